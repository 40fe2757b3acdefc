#!/usr/bin/env python3
"""A queue-flooding job trace for `rackscale simulate` (issue 13, item 5).

Arrivals come faster than the cluster drains them: N jobs, one every
INTERARRIVAL seconds, sizes from 1 to 64 GPUs, durations of hours, on the
256-GPU cluster of benches/flood.toml. Deterministic (fixed seed).

    python3 benches/flood_trace.py 10000000 > /tmp/flood.csv
    /usr/bin/time -v target/release/rackscale simulate benches/flood.toml --trace /tmp/flood.csv --quiet
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
interarrival = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
rng = random.Random(13)
sizes = [1, 1, 2, 4, 8, 8, 16, 32, 64]
out = sys.stdout
out.write("job_id,submit_time_s,gpus,duration_s\n")
t = 0.0
lines = []
for i in range(n):
    t += rng.expovariate(1.0 / interarrival)
    g = rng.choice(sizes)
    d = int(rng.lognormvariate(8.0, 1.0)) + 60
    lines.append(f"j{i},{t:.1f},{g},{d}\n")
    if len(lines) >= 100_000:
        out.writelines(lines)
        lines.clear()
out.writelines(lines)
