#!/usr/bin/env bash
# Submits an `export-nest` folder's submit.slurm to a one-node Slurm cluster
# started here (Debian's slurmctld, slurmd, munge; no systemd, no cgroups),
# with stand-ins of PyNEST's `nest` and `microcircuit` modules, and checks that
# both MPI tasks ran run_microcircuit.py to the end with the job's threads.
# Exit 77 (skipped) when Slurm or munge is not installed or we are not root.
# Usage: slurm_one_node.sh MICROCIRCUIT_BINARY PORT_BASE
set -euo pipefail
bin=$1
port=${2:-16170}
for tool in munged mungekey slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to run munged and slurmd"; exit 77; }

work=$(mktemp -d /tmp/mc_slurm.XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
host=$(hostname -s)

# munge: its own key, socket and files.
mkdir -m 700 "$work/munge"
mungekey -c -k "$work/munge/key" >/dev/null 2>&1 || dd if=/dev/urandom of="$work/munge/key" bs=1024 count=1 2>/dev/null
chmod 400 "$work/munge/key"
munged -F -f --socket="$work/munge/socket" --key-file="$work/munge/key" --pid-file="$work/munge/pid" \
  --log-file="$work/munge/log" --seed-file="$work/munge/seed" 2>"$work/munged.err" &
pids+=($!)

mkdir -p "$work/state" "$work/spool"
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=mctest
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MailProg=/bin/true
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmdParameters=config_overrides
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=16 RealMemory=64000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
for i in $(seq 50); do [ -S "$work/munge/socket" ] && break; sleep 0.1; done
slurmctld -D -i 2>"$work/slurmctld.err" &
pids+=($!)
slurmd -D 2>"$work/slurmd.err" &
pids+=($!)
for i in $(seq 100); do
  sinfo -h -o %t 2>/dev/null | grep -q idle && break
  sleep 0.2
done
sinfo -h -o %t | grep -q idle || { echo "FAIL: node not idle"; tail -5 "$work/slurmctld.log" "$work/slurmd.log"; exit 1; }

# The export, and stand-ins for PyNEST that record what each task did.
"$bin" export-nest "$work/export" --scale 0.1 --t-sim 200 >/dev/null
mkdir -p "$work/stub/nest" "$work/stub/microcircuit"
echo 'def Rank():
    return 0' > "$work/stub/nest/__init__.py"
: > "$work/stub/microcircuit/__init__.py"
cat > "$work/stub/microcircuit/network.py" <<'PY'
import json, os
class Network:
    def __init__(self, sim, net, stim):
        self.sim, self.DC_amp, self.steps = sim, [0.0] * 8, []
    def create(self):
        self.pops = []
    def connect(self):
        self.steps.append("connect")
    def simulate(self, t):
        self.steps.append(t)
    def store_metadata(self):
        task = os.environ.get("SLURM_PROCID", "?")
        with open(os.path.join(os.environ["STUB_OUT"], "task%s.json" % task), "w") as f:
            json.dump({"threads": self.sim["local_num_threads"], "steps": self.steps}, f)
PY
mkdir "$work/out"
# Debian's python3 (with numpy) first, whatever else is on PATH.
(cd "$work/export" && PATH=/usr/bin:$PATH PYTHONPATH=$work/stub STUB_OUT=$work/out sbatch --wait --export=ALL --mem=1G submit.slurm) \
  || { echo "FAIL: job failed"; cat "$work"/export/microcircuit-*.out; tail -5 "$work/slurmd.log"; exit 1; }
for task in 0 1; do
  f=$work/out/task$task.json
  [ -f "$f" ] || { echo "FAIL: task $task did not finish"; cat "$work"/export/microcircuit-*.out; exit 1; }
  grep -q '"threads": 8' "$f" || { echo "FAIL: task $task: $(cat "$f")"; exit 1; }
  grep -q '"steps": \["connect", 500.0, 200.0\]' "$f" || { echo "FAIL: task $task: $(cat "$f")"; exit 1; }
done
echo "OK: submit.slurm ran 2 tasks x 8 threads on a one-node cluster"
