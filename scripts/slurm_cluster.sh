# A one-node Slurm cluster for tests and measurements, from Debian's
# slurmctld, slurmd and munge, without systemd or cgroups: a private
# configuration, key and state in a folder of the caller's, daemons started
# here and stopped by pid. Source it, then:
#   slurm_cluster_start WORK [CPUS [MEMORY_MB]]   # returns 1 (logs printed) if a daemon does not start
#   ... sbatch/squeue/sinfo use $SLURM_CONF; the partition is "test" (the default) ...
#   slurm_cluster_stop                          # also from an EXIT trap; safe to call twice
# CPUS (default: this machine's) may exceed the cores (the node's
# configuration overrides what slurmd detects); with MEMORY_MB, jobs may ask
# for memory (--mem). Ports: SLURM_CLUSTER_PORT and the next one (default:
# from the shell's pid, away from other clusters on the machine).
# Facts that mattered (DESIGN.md): the node name is `hostname -s`; client
# commands need SLURM_CONF; proctrack/linuxproc and task/none avoid cgroups;
# the state folder belongs to SlurmUser; MailProg=/bin/true.

slurm_cluster_pids=()
slurm_cluster_work=""

slurm_cluster_logs() {
  local log
  for log in "$slurm_cluster_work"/*.log; do
    if [ -f "$log" ]; then echo "--- $log"; tail -n 30 "$log"; fi
  done
  return 0
}

slurm_cluster_stop() {
  local p
  for p in "${slurm_cluster_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${slurm_cluster_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  slurm_cluster_pids=()
  return 0
}

slurm_cluster_start() {
  local work=$1 cpus=${2:-$(nproc)} memory=${3:-}
  local host user port tool
  host=$(hostname -s)
  user=$(id -un)
  port=${SLURM_CLUSTER_PORT:-$((20000 + ($$ % 5000) * 2))}
  slurm_cluster_work=$work
  for tool in munged slurmctld slurmd sbatch squeue sinfo; do
    command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
    command -v "$tool" >/dev/null || {
      echo "$tool is missing (scripts/deps.sh installs slurmctld slurmd slurm-client munge)"
      return 1
    }
  done
  mkdir -p "$work/munge" "$work/state" "$work/spool" && chmod 711 "$work" "$work/munge"
  dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$work/munge/munge.key"
  munged -F --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
    --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/seed" --log-file="$work/munged.log" \
    >>"$work/munged.log" 2>&1 &
  slurm_cluster_pids+=($!)
  for _ in $(seq 50); do [ -S "$work/munge/socket" ] && break; sleep 0.1; done
  [ -S "$work/munge/socket" ] || { echo "munged did not start"; slurm_cluster_logs; return 1; }

  local select="CR_CPU" node="NodeName=$host CPUs=$cpus State=UNKNOWN"
  if [ -n "$memory" ]; then
    select="CR_Core_Memory"
    node="NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN"
  fi
  cat > "$work/slurm.conf" <<CONF
ClusterName=mctest
SlurmctldHost=$host
SlurmUser=$user
SlurmctldPort=$port
SlurmdPort=$((port + 1))
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
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=$select
SlurmdParameters=config_overrides
MailProg=/bin/true
ReturnToService=2
$node
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$work/slurm.conf"
  slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
  slurm_cluster_pids+=($!)
  slurmd -D -f "$SLURM_CONF" >>"$work/slurmd.log" 2>&1 &
  slurm_cluster_pids+=($!)
  local state=""
  for _ in $(seq 150); do
    state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
    [ "$state" = "idle" ] && return 0
    sleep 0.2
  done
  echo "the node did not become idle (sinfo: ${state:-no answer})"
  slurm_cluster_logs
  return 1
}

# Waits until job $1 has left the queue (at most $2 seconds, default 120).
slurm_cluster_wait() {
  local job=$1 limit=${2:-120}
  for _ in $(seq $((limit * 5))); do
    [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  return 1
}
