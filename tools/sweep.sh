#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the main
# job — a chaos sweep over every scenario in scenarios/ — printing a summary.
#   SEEDS=1..200 JOBS=2 tools/sweep.sh     (defaults: SEEDS=1..20, JOBS=cores)
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build --target confman-sim
./build/sim/confman-sim sweep scenarios --seeds "${SEEDS:-1..20}" --jobs "${JOBS:-$(nproc)}"
