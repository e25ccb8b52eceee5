#!/usr/bin/env bash
# The window's achieved speed against the engine's own (issue 19): runs the
# desktop program at maximum speed with the raster and all charts visible and
# updating, on an Xvfb of its own (Mesa's software OpenGL, the worst case a
# user can have), then `microcircuit bench` on the same network and threads,
# and prints as its last line one JSON object:
#   gui_rtf, bench_rtf  wall seconds per model second (RTF, lower is faster)
#   ratio               bench_rtf / gui_rtf (1 = the window costs nothing)
#   fps                 raster frames per second while measured
#   max_latency_ms      worst lateness of the GUI thread's 20 ms timer
#   gui_rss_mb          the window's resident memory at the end
#   engine_rss_mb       bench's peak resident memory
#   gui_thread_cpu_fraction  the GUI thread's CPU time per wall second
#   raster_frame_cpu_ms      its CPU time per raster frame (parts in
#                            raster_frame_cpu_parts_ms; MC_RASTER_PROFILE=1
#                            splits them honestly, see docs/performance.md)
#   gui_cpu_ms_per_s         its CPU ms per second by part (window repaint,
#                            charts, spike drain, status bar)
# With --repeat N it runs N rounds (window, then bench) and gui_rtf,
# bench_rtf and ratio are medians over the rounds (the single rounds are in
# gui_rtfs, bench_rtfs, ratios; fps and max_latency_ms are the worst round's,
# the other fields the last round's): this
# virtual machine's speed drifts by up to 40% from minute to minute.
# Nothing is built: it uses build/release (cmake --preset release first).
# Usage: scripts/gui_speed.sh [--scale F] [--drive dc|poisson] [--seconds S] [--threads N] [--repeat N]
set -euo pipefail
cd "$(dirname "$0")/.."

scale=1
drive=dc
seconds=30
threads=$(nproc)
repeat=1
usage() { echo "usage: $0 [--scale F] [--drive dc|poisson] [--seconds S] [--threads N] [--repeat N]" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --scale) scale=${2:?--scale needs a value}; shift 2 ;;
    --drive) drive=${2:?--drive needs a value}; shift 2 ;;
    --seconds) seconds=${2:?--seconds needs a value}; shift 2 ;;
    --threads) threads=${2:?--threads needs a value}; shift 2 ;;
    --repeat) repeat=${2:?--repeat needs a value}; shift 2 ;;
    -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "error: unknown argument $1" >&2; usage ;;
    esac
done
case "$drive" in dc | poisson) ;; *) echo "error: --drive $drive is not allowed: dc or poisson" >&2; exit 2 ;; esac
if ! [[ "$seconds" =~ ^[0-9]+([.][0-9]+)?$ ]] || awk "BEGIN{exit !($seconds < 2)}"; then
    echo "error: --seconds $seconds is not allowed: a number of seconds >= 2" >&2
    exit 2
fi
if ! [[ "$threads" =~ ^[0-9]+$ ]] || [ "$threads" -lt 1 ]; then
    echo "error: --threads $threads is not allowed: a whole number >= 1" >&2
    exit 2
fi
if ! [[ "$repeat" =~ ^[0-9]+$ ]] || [ "$repeat" -lt 1 ]; then
    echo "error: --repeat $repeat is not allowed: a whole number >= 1" >&2
    exit 2
fi
bin=build/release/app/microcircuit
if [ ! -x "$bin" ]; then
    echo "error: $bin is missing: build it first (cmake --preset release && cmake --build --preset release)" >&2
    exit 1
fi
command -v Xvfb >/dev/null || { echo "error: Xvfb is missing (apt-get install xvfb)" >&2; exit 1; }

work=$(mktemp -d)
xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# An Xvfb of our own on a free display (Xvfb picks it and tells us), tall
# enough for the window to show the four charts side by side, not as tabs.
Xvfb -displayfd 3 -screen 0 1920x1200x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "error: Xvfb did not start:" >&2; cat "$work/xvfb.log" >&2; exit 1; }
display=":$(head -n1 "$work/display")"

# One round: the window, then the engine alone; appends the window's summary
# and bench's result (one JSON line each) to $work/rounds.
measure_round() {
    echo "gui: scale $scale, $drive drive, $threads threads, $seconds s at maximum speed on display $display" >&2
    # The build is not measured; generous time for it at full scale on a loaded machine.
    local status=0 summary model_ms bench
    rm -f "$work/gui.jsonl"
    DISPLAY=$display timeout $((${seconds%.*} + 600)) "$bin" gui --scale "$scale" --drive "$drive" --threads "$threads" \
        --size 1920x1200 --max-speed --quit-after "$seconds" --perf-log "$work/gui.jsonl" 2>"$work/gui.err" || status=$?
    summary=$(grep '"kind": "summary"' "$work/gui.jsonl" 2>/dev/null | tail -n1 || true)
    if [ $status -ne 0 ] || [ -z "$summary" ]; then
        echo "error: the window did not finish its measured run (status $status):" >&2
        tail -n 20 "$work/gui.err" >&2
        exit 1
    fi
    cat "$work/gui.jsonl" >&2
    # The engine alone on the same network and threads, for (at least) the model
    # time the window achieved, so both measure the same stretch of activity.
    model_ms=$(python3 -c 'import json,sys; print(max(200, round(json.loads(sys.argv[1])["measured_model_s"] * 1000)))' "$summary")
    echo "bench: $model_ms ms of model time" >&2
    bench=$("$bin" bench --scale "$scale" --drive "$drive" --threads "$threads" --t-sim "$model_ms" --phases | tail -n1)
    echo "$bench" >&2
    printf '%s\n%s\n' "$summary" "$bench" >>"$work/rounds"
}
for _ in $(seq "$repeat"); do measure_round; done

python3 - "$work/rounds" "$scale" "$drive" "$threads" "$seconds" <<'PY'
import json, statistics, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rounds = list(zip(lines[0::2], lines[1::2]))
gui, bench = rounds[-1]
gui_rtfs = [g["gui_rtf"] for g, _ in rounds]
bench_rtfs = [b["rtf"] for _, b in rounds]
gui_rtf, bench_rtf = statistics.median(gui_rtfs), statistics.median(bench_rtfs)
out = {
    "gui_rtf": gui_rtf,
    "bench_rtf": bench_rtf,
    "ratio": round(bench_rtf / gui_rtf, 3) if gui_rtf and bench_rtf else None,
    "rounds": len(rounds),
    "gui_rtfs": gui_rtfs,
    "bench_rtfs": bench_rtfs,
    "ratios": [round(b / g, 3) if g and b else None for g, b in zip(gui_rtfs, bench_rtfs)],
    "fps": min(g["fps"] for g, _ in rounds),  # the worst round's
    "max_latency_ms": max(g["max_latency_ms"] for g, _ in rounds),
    "gui_rss_mb": gui["gui_rss_mb"],
    "engine_rss_mb": bench["peak_rss_mb"],
    "scale": float(sys.argv[2]),
    "drive": sys.argv[3],
    "threads": int(sys.argv[4]),
    "seconds": float(sys.argv[5]),
    "gui_measured_model_s": gui["measured_model_s"],
    "gui_engine_busy_fraction": gui["engine_busy_fraction"],
    "gui_engine_rtf_inside_run": gui["engine_rtf_inside_run"],
    "gui_spikes_waiting_max": gui["spikes_waiting_max"],
    "gui_room_waits_per_s": gui.get("room_waits_per_s"),
    "gui_room_wait_ms_per_s": gui.get("room_wait_ms_per_s"),
    "gui_thread_cpu_fraction": gui.get("gui_thread_cpu_fraction"),
    "raster_frame_cpu_ms": gui.get("raster_frame_cpu_ms"),
    "raster_frame_cpu_parts_ms": gui.get("raster_frame_cpu_parts_ms"),
    "raster_spikes_per_frame": gui.get("raster_spikes_per_frame"),
    "gui_cpu_ms_per_s": gui.get("gui_cpu_ms_per_s"),
    "gui_phases": gui["phases"],
    "bench_phases": bench.get("phases"),
    "renderer": "Xvfb, Mesa software OpenGL",
}
print(json.dumps(out))
PY
