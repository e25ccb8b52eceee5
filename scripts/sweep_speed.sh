#!/usr/bin/env bash
# Throughput of `microcircuit sweep` (issue 13, docs/performance.md): an N x N
# grid over net.g (-3, -3.5, ...) and net.bg_rate (3, 4, ... Hz) at scale S,
# 1.5 s of model time per point (500 ms warm-up + 1000 ms analysed), no spike
# files. Prints points per minute and the RTF per point; the last line is JSON.
# With --slurm, the same sweep also runs as a job array on a one-node Slurm
# cluster started here (scripts/slurm_cluster.sh, one core per task) and the
# overhead per point over the local run is printed; both summaries must agree.
# Run it on a quiet machine; a check at a tiny size: --grid 2 --scale 0.02.
# Usage: scripts/sweep_speed.sh [--grid N] [--scale S] [--slurm] [--binary PATH]
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
mc=$here/../build/release/app/microcircuit
grid=10
scale=0.1
slurm=""
while [ $# -gt 0 ]; do
  case $1 in
    --grid) grid=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --slurm) slurm=1; shift ;;
    --binary) mc=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "sweep_speed.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case $grid in ''|*[!0-9]*) echo "sweep_speed.sh: --grid $grid: give a whole number >= 1" >&2; exit 2 ;; esac
[ "$grid" -ge 1 ] || { echo "sweep_speed.sh: --grid must be >= 1" >&2; exit 2; }
[ -x "$mc" ] || { echo "sweep_speed.sh: no microcircuit at $mc (build it, or give --binary PATH)" >&2; exit 2; }
mc=$(readlink -f "$mc")
cores=$(nproc)
points=$((grid * grid))
presim=500
tsim=1000
gLast=$(awk -v n="$grid" 'BEGIN { printf "%g", -3 - 0.5 * (n - 1) }')
bgLast=$((3 + grid - 1))
args=(--set "net.g=-3:$gLast:0.5" --set "net.bg_rate=3:$bgLast:1" --scale "$scale" --t-presim $presim --t-sim $tsim
      --no-record -q)
work=$(mktemp -d /tmp/mc-sweep-speed.XXXXXX)
cleanup() {
  [ -n "$slurm" ] && slurm_cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }

echo "sweep of $grid x $grid = $points points at scale $scale, $((presim + tsim)) ms per point, $cores cores"
t0=$(now)
"$mc" sweep "${args[@]}" --out "$work/local" || { echo "the local sweep failed" >&2; exit 1; }
t1=$(now)
local_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
# Points run `cores` at a time (sweep's default --jobs), one thread each:
# a point's own wall time is about elapsed * cores / points.
read -r ppm rtf <<<"$(awk -v s="$local_s" -v n="$points" -v c="$cores" -v m=$((presim + tsim)) \
  'BEGIN { printf "%.2f %.4f", n / s * 60, s * c / n / (m / 1000) }')"
echo "local: $local_s s, $ppm points/minute, RTF per point $rtf (wall time of a point / its model time)"
json="{\"grid\": $grid, \"points\": $points, \"scale\": $scale, \"model_ms_per_point\": $((presim + tsim)), \"cores\": $cores, \"local_s\": $local_s, \"points_per_minute\": $ppm, \"rtf_per_point\": $rtf"

if [ -n "$slurm" ]; then
  # shellcheck source=slurm_cluster.sh
  source "$here/slurm_cluster.sh"
  slurm_cluster_start "$work/cluster" "$cores" || { echo "the one-node Slurm cluster did not start" >&2; exit 1; }
  t0=$(now)
  out=$("$mc" sweep "${args[@]}" --out "$work/slurm" --slurm --submit --cpus-per-task 1 2>&1) \
    || { echo "sweep --slurm --submit failed: $out" >&2; exit 1; }
  job=$(printf '%s\n' "$out" | sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p')
  [ -n "$job" ] || { echo "no job id in: $out" >&2; exit 1; }
  slurm_cluster_wait "$job" 3600 || { echo "the job array did not finish in an hour" >&2; exit 1; }
  t1=$(now)
  "$mc" sweep collect "$work/slurm" >/dev/null || { cat "$work"/slurm/slurm/task-*.log >&2; exit 1; }
  cmp -s "$work/local/summary.csv" "$work/slurm/summary.csv" || { echo "the Slurm summary differs from the local one" >&2; exit 1; }
  slurm_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  # The extra wall time, shared by `cores` slots: what each point costs more in its slot.
  overhead=$(awk -v s="$slurm_s" -v l="$local_s" -v n="$points" -v c="$cores" 'BEGIN { printf "%.3f", (s - l) * c / n }')
  echo "slurm: $slurm_s s from submission to the array's end; overhead per point $overhead s (summary identical)"
  json="$json, \"slurm_s\": $slurm_s, \"slurm_overhead_per_point_s\": $overhead"
fi
echo "$json}"
