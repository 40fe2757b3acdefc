#!/bin/bash
# CI check of the Slurm scripts on one throwaway node: as root on a Debian/Ubuntu machine it
# installs munge and Slurm if missing, starts munged, slurmctld and slurmd with a private
# configuration under $WORK (nothing in /etc/slurm is read or written), runs a 3-shard sweep
# through submit.sh (sbatch --array plus the merge chained with afterok), waits for it, and
# checks that the merged directory is byte-identical to an unsharded local run. The daemons it
# started are stopped by PID on exit, whatever happens. Exits non-zero on any failure.
#   scripts/slurm/ci-single-node.sh PATH/TO/rackscale
# Environment (all optional):
#   WORK     scratch directory, wiped first (default /tmp/rackscale-slurm-ci)
#   TIMEOUT  seconds to wait for the jobs (default 300)
#   SUBMIT   submit script to test (default submit.sh beside this script)
#   SLURMCTLD_PORT, SLURMD_PORT  (default 6817, 6818)
set -euo pipefail

die() { echo "ci-single-node: $*" >&2; exit 1; }
log() { echo "ci-single-node: $*" >&2; }

[ $# -eq 1 ] || die "usage: $0 PATH/TO/rackscale"
[ -x "$1" ] || die "$1 is not an executable"
[ "$(id -u)" -eq 0 ] || die "must run as root (it starts munged, slurmctld and slurmd)"

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
submit=${SUBMIT:-$here/submit.sh}
work=${WORK:-/tmp/rackscale-slurm-ci}
timeout=${TIMEOUT:-300}
ctld_port=${SLURMCTLD_PORT:-6817}
slurmd_port=${SLURMD_PORT:-6818}
shards=3
scenario=$repo/scenarios/cio-own-vs-rent-gb300.toml
vary="tco.horizon_years=4:6:3 facility.site=lulea-se,phoenix-az"
node=ci-node   # slurmd is started with -N, so the node name does not depend on the hostname

# --- packages ------------------------------------------------------------------------------
need=(munged munge unmunge slurmctld slurmd sbatch squeue sinfo scontrol)
missing=0
for c in "${need[@]}"; do command -v "$c" > /dev/null || missing=1; done
if [ "$missing" -eq 1 ]; then
    log "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends slurm-wlm munge
fi
for c in "${need[@]}"; do command -v "$c" > /dev/null || die "$c not found after install"; done
version=$(slurmctld -V | awk '{print $2}')
log "slurm $version"

# --- scratch directory ---------------------------------------------------------------------
for d in slurmctld slurmd; do
    if pgrep -x "$d" > /dev/null; then
        die "a $d is already running; stop it first (this script starts its own on ports $ctld_port/$slurmd_port)"
    fi
done
rm -rf "$work"
mkdir -p "$work"/{etc,state,spool,log,run,bin,submit}
# A private copy, so a rebuild of the binary mid-run cannot mix two versions.
cp "$1" "$work/bin/rackscale"
export RACKSCALE=$work/bin/rackscale

# --- stop on exit --------------------------------------------------------------------------
pids=()      # daemons this script started, stopped in reverse order
names=()
slurm_started=0
cleanup() {
    local rc=$?
    set +e
    if [ "$rc" -ne 0 ]; then
        log "FAILED (exit $rc); logs follow"
        for f in "$work"/log/*.log "$work"/submit/*.out; do
            [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
        done >&2
    fi
    # Jobs outlive slurmd (slurmstepd is its own process), so cancel them while it still runs.
    if [ "$slurm_started" -eq 1 ]; then
        timeout 10 scancel --user=root 2> /dev/null
        for _ in $(seq 25); do
            [ -z "$(timeout 5 squeue -h -o %i 2> /dev/null)" ] && break
            sleep 0.2
        done
    fi
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2> /dev/null
    done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        for _ in $(seq 50); do kill -0 "${pids[i]}" 2> /dev/null || break; sleep 0.2; done
        if kill -0 "${pids[i]}" 2> /dev/null; then
            log "${names[i]} (${pids[i]}) did not stop; killing it"
            kill -9 "${pids[i]}" 2> /dev/null
        fi
        wait "${pids[i]}" 2> /dev/null
    done
    [ "${#pids[@]}" -gt 0 ] && log "stopped ${names[*]}"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- munge ---------------------------------------------------------------------------------
if munge -n 2> /dev/null | unmunge > /dev/null 2>&1; then
    log "using the munged already running"
else
    getent passwd munge > /dev/null || die "no munge user (the munge package creates it)"
    install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
    install -d -o munge -g munge -m 0755 /run/munge
    if [ ! -s /etc/munge/munge.key ]; then
        if command -v mungekey > /dev/null; then
            mungekey --create --keyfile=/etc/munge/munge.key
        else
            dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
        fi
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
    rm -f /run/munge/munged.pid
    runuser -u munge -- munged   # daemonizes; its pid file names the daemon
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    [ -s /run/munge/munged.pid ] || die "munged wrote no pid file"
    pids+=("$(cat /run/munge/munged.pid)") names+=(munged)
    munge -n | unmunge > /dev/null || die "munge -n | unmunge failed"
    log "munged started (pid ${pids[-1]})"
fi

# --- slurm configuration -------------------------------------------------------------------
# sweep.sbatch asks for --cpus-per-task=N; a job asking for more CPUs than the node has stays
# pending forever (Reason=PartitionConfig), so the node claims N per shard, however many cores
# the machine has, and config_overrides makes slurmd accept the claim.
cpt=$(sed -n 's/^#SBATCH --cpus-per-task=\([0-9][0-9]*\).*/\1/p' "$here/sweep.sbatch" | head -n 1)
cpus=$(( ${cpt:-1} * shards ))
[ "$cpus" -ge "$(nproc)" ] || cpus=$(nproc)
mem=$(awk '/^MemAvailable:/ {print int($2 / 1024 / 2)}' /proc/meminfo)
[ "${mem:-0}" -ge 256 ] || mem=256
export SLURM_CONF=$work/etc/slurm.conf   # read by slurmctld, slurmd and the client commands
cat > "$SLURM_CONF" << EOF
ClusterName=ci
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$node NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
# Slurm 24.05 and later can be told to leave cgroups alone; 22.05 (Debian 12) needs nothing
# here, since proctrack/linuxproc and task/none never touch them.
if [ "${version%%.*}" -ge 24 ] 2> /dev/null; then
    echo "CgroupPlugin=disabled" > "$work/etc/cgroup.conf"
fi

# --- daemons -------------------------------------------------------------------------------
slurmctld -D -f "$SLURM_CONF" >> "$work/log/slurmctld.stdout" 2>&1 &
pids+=($!) names+=(slurmctld) slurm_started=1
slurmd -D -N "$node" -f "$SLURM_CONF" >> "$work/log/slurmd.stdout" 2>&1 &
pids+=($!) names+=(slurmd)
log "slurmctld (pid ${pids[-2]}) and slurmd (pid ${pids[-1]}) started"
state=
for _ in $(seq 60); do
    for i in "${!pids[@]}"; do
        kill -0 "${pids[i]}" 2> /dev/null || die "${names[i]} exited during start-up"
    done
    state=$(sinfo -h -n "$node" -o %T 2> /dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.5
done
[ "$state" = idle ] || die "node $node is '${state:-unknown}', not idle, after 30 s"
log "node $node idle with $cpus CPUs"

# --- the sweep -----------------------------------------------------------------------------
start=$SECONDS
cd "$work/submit"   # the jobs' *.out files land here
"$submit" "$shards" "$work/slurm" "$scenario" "$vary"
while :; do
    queue=$(squeue -h -o '%i %T %r') || die "squeue failed"
    [ -z "$queue" ] && break
    if grep -q -e DependencyNeverSatisfied -e PartitionConfig -e launch_failed <<< "$queue"; then
        echo "$queue" >&2
        die "a job cannot run"
    fi
    if [ $((SECONDS - start)) -ge "$timeout" ]; then
        echo "$queue" >&2
        die "jobs still queued after $timeout s"
    fi
    sleep 1
done
log "jobs left the queue after $((SECONDS - start)) s"
# Finished jobs stay visible to scontrol for MinJobAge (300 s by default).
jobs=$(scontrol -o show job)
echo "$jobs" | sed -E 's/^JobId=([0-9]+).* JobName=([^ ]*).* JobState=([A-Z_]+).*/  job \1 \2 \3/' >&2
if echo "$jobs" | grep -o 'JobState=[A-Z_]*' | grep -qv JobState=COMPLETED; then
    die "a job did not complete"
fi
[ "$(echo "$jobs" | grep -c 'JobState=COMPLETED')" -eq $((shards + 1)) ] \
    || die "expected $((shards + 1)) completed jobs"
[ -s "$work/slurm/merged/sweep.csv" ] || die "no merged sweep.csv"

# --- compare with an unsharded run ---------------------------------------------------------
read -r -a axes <<< "$vary"
args=()
for v in "${axes[@]}"; do args+=(--vary "$v"); done
"$RACKSCALE" sweep "$scenario" "${args[@]}" --quiet --out "$work/local" > /dev/null
if ! diff -r "$work/slurm/merged" "$work/local" > "$work/diff.txt"; then
    head -n 40 "$work/diff.txt" >&2
    die "the merged Slurm sweep differs from the local run (full diff in $work/diff.txt)"
fi
log "OK: $(($(wc -l < "$work/local/sweep.csv") - 1)) points, merged Slurm output identical to the local run"
