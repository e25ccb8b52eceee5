#!/usr/bin/env bash
# Builds microcircuit (installing missing Debian packages first) and starts
# the desktop program with the default model. Extra arguments go to the
# program, e.g. `scripts/start.sh run --scale 0.2`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/app/microcircuit "$@"
