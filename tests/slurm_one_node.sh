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
# shellcheck source=../scripts/slurm_cluster.sh
source "$(dirname "$(readlink -f "$0")")/../scripts/slurm_cluster.sh"
cleanup() {
  slurm_cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT
# 16 CPUs on any machine (the job asks for 2 tasks x 8 threads) and memory, for --mem.
SLURM_CLUSTER_PORT=$port slurm_cluster_start "$work" 16 64000 || { echo "FAIL: the one-node cluster did not start"; exit 1; }

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
  || { echo "FAIL: job failed"; cat "$work"/export/microcircuit-*.out; slurm_cluster_logs; exit 1; }
for task in 0 1; do
  f=$work/out/task$task.json
  [ -f "$f" ] || { echo "FAIL: task $task did not finish"; cat "$work"/export/microcircuit-*.out; exit 1; }
  grep -q '"threads": 8' "$f" || { echo "FAIL: task $task: $(cat "$f")"; exit 1; }
  grep -q '"steps": \["connect", 500.0, 200.0\]' "$f" || { echo "FAIL: task $task: $(cat "$f")"; exit 1; }
done
echo "OK: submit.slurm ran 2 tasks x 8 threads on a one-node cluster"
