#!/usr/bin/env bash
# Fuzzes the configuration reader and the spike-folder reader with libFuzzer
# (Debian's clang and libclang-rt-14-dev), each for FUZZ_SECONDS (default 60)
# from the seed corpus in tests/fuzz/corpus/. The fuzzers are built in their
# own folder, build/fuzz, so the normal build needs no clang. An input that
# crashes, leaks, hangs or allocates too much is copied to
# tests/hostile/fuzz/<target>/, where the hostile-input test runs it through
# the program from then on; the script then fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -g -O1"
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMC_BUILD_GUI=OFF -DMC_BUILD_TESTS=OFF -DMC_BUILD_FUZZERS=ON -DMC_PARALLEL=tbb \
  -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build build/fuzz -j "${JOBS:-$(nproc)}" --target fuzz_config fuzz_spike_folder
status=0
for target in config spike_folder; do
  corpus=build/fuzz/corpus-$target
  found=build/fuzz/found-$target
  mkdir -p "$corpus" "$found"
  case $target in config) seeds=tests/fuzz/corpus/config regress=tests/hostile/fuzz/config ;;
                  spike_folder) seeds=tests/fuzz/corpus/spikes regress=tests/hostile/fuzz/spikes ;; esac
  # Earlier findings first: each must now pass.
  if compgen -G "$regress/*" >/dev/null; then
    build/fuzz/tests/fuzz/fuzz_$target "$regress"/* >"build/fuzz/regress-$target.log" 2>&1 || {
      echo "fuzz_$target: a kept input fails again (build/fuzz/regress-$target.log)"; status=1; }
  fi
  echo "fuzzing the $target reader for $seconds s"
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
      build/fuzz/tests/fuzz/fuzz_$target "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$found/" -print_final_stats=1 \
      >"build/fuzz/fuzz-$target.log" 2>&1; then
    status=1
    echo "fuzz_$target found a failing input (build/fuzz/fuzz-$target.log):"
    grep -m5 -E "ERROR|SUMMARY|runtime error" "build/fuzz/fuzz-$target.log" || true
    mkdir -p "$regress"
    for f in "$found"/*; do
      [ -e "$f" ] || continue
      cp "$f" "$regress/$(basename "$f")"
      echo "  kept as $regress/$(basename "$f")"
    done
  else
    grep -E "^stat::number_of_executed_units|Done [0-9]+ runs" "build/fuzz/fuzz-$target.log" | tail -1 || true
  fi
done
exit $status
