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
work=$(mktemp -d /tmp/mc-slurm.XXXXXX)
# shellcheck source=../scripts/slurm_cluster.sh
source "$(dirname "$(readlink -f "$0")")/../scripts/slurm_cluster.sh"
cleanup() {
  slurm_cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $1"
  slurm_cluster_logs
  exit 1
}
# A daemon that does not start fails the test (with its log), it does not skip.
slurm_cluster_start "$work" || fail "the one-node cluster did not start"

args=(--scale 0.02 --t-presim 100 --t-sim 200 --set net.g=-4,-5,-6 --set net.bg_rate=8,9 -q)
"$mc" sweep "${args[@]}" --out "$work/local" || fail "the local sweep failed"
out=$("$mc" sweep "${args[@]}" --out "$work/cluster" --slurm --submit --partition test --time 00:10:00 2>&1) \
  || fail "sweep --slurm --submit failed: $out"
job=$(printf '%s\n' "$out" | sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p')
[ -n "$job" ] || fail "no job id in: $out"
slurm_cluster_wait "$job" 120 || fail "the job array $job did not finish in 2 minutes"
"$mc" sweep collect "$work/cluster" || { cat "$work"/cluster/slurm/task-*.log; fail "collect failed"; }
cmp "$work/local/summary.csv" "$work/cluster/summary.csv" || fail "the cluster's summary.csv differs from the local run's"
cmp "$work/local/summary.json" "$work/cluster/summary.json" || fail "the cluster's summary.json differs"
echo "PASS: job array $job of 6 points on a one-node Slurm cluster; summary equals the local run's"
