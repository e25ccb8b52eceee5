#!/usr/bin/env bash
# A real one-node Slurm cluster (issue 13): starts munged, slurmctld and
# slurmd from Debian's packages with a private configuration in a temporary
# folder, submits a 6-point sweep with `microcircuit sweep --slurm --submit`,
# waits for the job array, collects the summary and checks that it equals the
# local run's byte for byte. Stops the daemons it started (by pid) whatever
# the outcome. A daemon that does not start fails the test with its log.
# Usage: test_slurm.sh MICROCIRCUIT
set -uo pipefail
mc=$(readlink -f "$1")
for tool in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/deps.sh installs slurmctld slurmd slurm-client munge)"; exit 1; }
done
work=$(mktemp -d /tmp/mc-slurm.XXXXXX)
chmod 711 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $1"
  for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }; done
  exit 1
}

host=$(hostname -s)
user=$(id -un)
cpus=$(nproc)
# Ports of our own, away from any other cluster on this machine.
base=$((20000 + ($$ % 5000) * 2))

# munge: a private key and socket.
mkdir -p "$work/munge" && chmod 711 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged -F --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/seed" --log-file="$work/munged.log" \
  >>"$work/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/socket" ] && break; sleep 0.1; done
[ -S "$work/munge/socket" ] || fail "munged did not start"

mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=mctest
SlurmctldHost=$host
SlurmUser=$user
SlurmctldPort=$base
SlurmdPort=$((base + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MailProg=/bin/true
ReturnToService=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
idle=""
for _ in $(seq 150); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null)
  [ "$state" = "idle" ] && { idle=1; break; }
  sleep 0.2
done
[ -n "$idle" ] || fail "the node did not become idle (sinfo: ${state:-no answer})"

args=(--scale 0.02 --t-presim 100 --t-sim 200 --set net.g=-4,-5,-6 --set net.bg_rate=8,9 -q)
"$mc" sweep "${args[@]}" --out "$work/local" || fail "the local sweep failed"
out=$("$mc" sweep "${args[@]}" --out "$work/cluster" --slurm --submit --partition test --time 00:10:00 2>&1) \
  || fail "sweep --slurm --submit failed: $out"
job=$(printf '%s\n' "$out" | sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p')
[ -n "$job" ] || fail "no job id in: $out"
done_=""
for _ in $(seq 600); do
  if [ -z "$(squeue -h -j "$job" 2>/dev/null)" ]; then done_=1; break; fi
  sleep 0.2
done
[ -n "$done_" ] || fail "the job array $job did not finish in 2 minutes"
"$mc" sweep collect "$work/cluster" || { cat "$work"/cluster/slurm/task-*.log; fail "collect failed"; }
cmp "$work/local/summary.csv" "$work/cluster/summary.csv" || fail "the cluster's summary.csv differs from the local run's"
cmp "$work/local/summary.json" "$work/cluster/summary.json" || fail "the cluster's summary.json differs"
echo "PASS: job array $job of 6 points on a one-node Slurm cluster; summary equals the local run's"
