#!/usr/bin/env bash
# Builds microcircuit (installing missing Debian packages first) and runs
# every test. The GUI tests need a display: without one they run in Xvfb.
# A second, engine-only build with the OpenMP backend checks that both
# backends give the same spikes; an ARM64 cross-build run under qemu checks
# that both architectures do (scripts/test_aarch64.sh). Last, the Debian
# package is built, checked with lintian, installed, run and removed
# (scripts/test_package.sh). The configuration and spike-folder readers are
# fuzzed for 60 s each (scripts/fuzz.sh, its own clang build in build/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
cmake --preset openmp -DMC_COMPARE_WITH_BINARY="$PWD/build/release/app/microcircuit" >/dev/null
cmake --build --preset openmp -j "$jobs"
run_ctest() {
  if [ -z "${DISPLAY:-}" ]; then
    xvfb-run -a -s "-screen 0 1600x1000x24" ctest "$@"
  else
    ctest "$@"
  fi
}
status=0
run_ctest --test-dir build/release --output-on-failure --timeout 900 || status=1
run_ctest --test-dir build/openmp --output-on-failure --timeout 900 || status=1
JOBS="$jobs" scripts/test_aarch64.sh build/release/app/microcircuit || status=1
JOBS="$jobs" scripts/fuzz.sh || status=1
# The Debian package: lintian, then installed with dpkg and run (removed again after).
scripts/test_package.sh build/release || status=1
exit $status
