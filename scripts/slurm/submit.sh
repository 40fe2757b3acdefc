#!/bin/bash
# Submits a sharded rackscale sweep as a Slurm job array and a merge job chained after it.
#   scripts/slurm/submit.sh SHARDS OUT SCENARIO "KEY=VALUES KEY=VALUES ..." [REPLICATIONS]
# OUT must be on a file system every node sees. Prints the two job ids.
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 SHARDS OUT SCENARIO \"KEY=VALUES ...\" [REPLICATIONS]" >&2
    exit 1
fi
shards=$1 out=$2 scenario=$3 vary=$4 replications=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# Passed through the environment, not as --export=VAR=value: --export splits on commas, which
# VARY's value lists contain ("facility.site=a,b" would lose everything after the first comma).
export SHARDS=$shards OUT=$out SCENARIO=$scenario VARY=$vary REPLICATIONS=$replications
array=$(sbatch --parsable --array=0-$((shards - 1)) --export=ALL "$here/sweep.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$array" --export=ALL "$here/merge.sbatch")
echo "sweep array $array, merge $merge; results in $out/merged/sweep.csv"
