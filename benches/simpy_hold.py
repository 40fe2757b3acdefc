# The hold model of benches/engine.rs in SimPy, for comparison: pip install simpy; python3 benches/simpy_hold.py
# Hold model in SimPy: 1,000 processes each timing out by an exponential delay, forever.
import simpy, random, time
def run(pending, ops):
    env = simpy.Environment()
    rnd = random.Random(7)
    count = [0]
    def proc(env):
        while True:
            yield env.timeout(rnd.expovariate(1000.0))
            count[0] += 1
    for _ in range(pending):
        env.process(proc(env))
    t = time.perf_counter()
    while count[0] < ops:
        env.step()
    dt = time.perf_counter() - t
    return count[0] / dt
for pending in (1000, 100000):
    print(pending, "pending:", round(run(pending, 300000) / 1e6, 3), "M events/s")
