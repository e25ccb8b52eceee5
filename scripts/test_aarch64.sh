#!/usr/bin/env bash
# ARM64 gives the same spikes as x86-64 (issue 20): cross-builds the static,
# engine-only microcircuit for aarch64 (preset aarch64: Debian's
# g++-aarch64-linux-gnu, OpenMP backend), runs it under qemu-aarch64 and
# requires spike files byte-identical to an x86-64 build's. Also runs the
# flush-to-zero test on the emulated ARM processor.
#
#   scripts/test_aarch64.sh [X86_64_MICROCIRCUIT]   (default: build/release/app/microcircuit)
#
# Static, because dynamically linked aarch64 programs that start threads spin
# forever under qemu 7.2 with Debian's cross libc (docs/arm64.md).
set -euo pipefail
cd "$(dirname "$0")/.."
reference=${1:-build/release/app/microcircuit}
if [ ! -x "$reference" ]; then
  echo "test_aarch64: no x86-64 build at '$reference' (build the release preset first)" >&2
  exit 2
fi
for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "test_aarch64: $tool is missing (scripts/deps.sh installs it)" >&2; exit 2; }
done
if [ -z "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ] && command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi

cmake --preset aarch64 >/dev/null
cmake --build --preset aarch64 -j "${JOBS:-$(nproc)}" # the microcircuit target only
binary=build/aarch64/app/microcircuit
out=build/aarch64/determinism
rm -rf "$out"
mkdir -p "$out"
# A stuck emulated program fails the test instead of hanging CI (seconds).
emulate=(timeout 600 qemu-aarch64)

echo "-- flush-to-zero on aarch64"
${CMAKE_CXX_COMPILER_LAUNCHER:-} aarch64-linux-gnu-g++ -std=c++20 -O2 -Wall -Wextra -ffp-contract=off -static \
  -I engine/src tests/test_flush_subnormals.cpp -o build/aarch64/test_flush_subnormals
"${emulate[@]}" build/aarch64/test_flush_subnormals

status=0
# compare NAME [ENV=VALUE ...] -- RUN FLAGS: the x86-64 build with 1 thread
# against the aarch64 build with 1 and 2 threads (ENV only for the latter).
compare() {
  local name=$1 env=()
  shift
  while [ "$1" != "--" ]; do env+=("$1"); shift; done
  shift
  local common=(run "$@" --no-figures --quiet)
  "$reference" "${common[@]}" --threads 1 --out "$out/$name-x86_64" >"$out/$name-x86_64.log" 2>&1
  local files=("$out/$name-x86_64"/spike_recorder-*.dat)
  local spikes
  spikes=$(cat "${files[@]}" | grep -cv '^#\|^sender')
  if [ ${#files[@]} -ne 8 ] || [ "$spikes" -lt 1000 ]; then
    echo "FAIL $name: the x86-64 run wrote ${#files[@]} spike files with $spikes spikes (need 8 files, 1000 spikes)"
    status=1
    return
  fi
  for threads in 1 2; do
    local dir="$out/$name-aarch64-$threads"
    if ! env "${env[@]}" "${emulate[@]}" "$binary" "${common[@]}" --threads "$threads" --out "$dir" \
        >"$dir.log" 2>&1; then
      echo "FAIL $name: aarch64 with $threads thread(s) did not finish (log: $dir.log)"
      status=1
      continue
    fi
    for f in "${files[@]}"; do
      if ! cmp -s "$f" "$dir/$(basename "$f")"; then
        echo "FAIL $name: $(basename "$f") differs between x86-64 and aarch64 with $threads thread(s)"
        status=1
        continue 2
      fi
    done
    echo "ok   $name${env[*]:+ (${env[*]})}: $spikes spikes in 8 files, identical on aarch64 with $threads thread(s)"
  done
}
compare poisson -- --scale 0.05 --t-sim 500 --seed 3
compare thalamic -- --scale 0.05 --t-sim 500 --seed 3 --thalamic --dc-transient
compare dc-queue-portable MC_DELIVERY=queue MC_SIMD=portable -- \
  --n-scaling 0.05 --k-scaling 0.25 --drive dc --t-presim 0 --t-sim 900 --seed 5 --thalamic --dc-transient
exit $status
