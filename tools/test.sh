#!/usr/bin/env bash
# Quick start, command 2 (and what CI runs): install what is missing, build
# everything, and run the whole test suite through ctest.
#
# A second, Debug build of confman-sim is made so that a test can check that
# Debug and Release builds print the same trace hashes.
#   SANITIZE=1 tools/test.sh   runs the suite under ASan + UBSan (build-asan/)
#   FUZZ=0 tools/test.sh       skips the libFuzzer smoke runs (build-fuzz/)
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh

jobs=$(nproc)
if [ "${SANITIZE:-0}" = "1" ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCONFMAN_SANITIZE=ON -DCONFMAN_BUILD_BENCH=OFF > /dev/null
  cmake --build build-asan -j "$jobs"
  # The long sweeps (label "sweep") run in the normal build; under the
  # sanitizers the gtest sweeps still cover the simulator.
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE sweep ${CTEST_ARGS:-}
  exit 0
fi

cmake -S . -B build-debug -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCONFMAN_BUILD_BENCH=OFF > /dev/null
cmake --build build-debug -j "$jobs" --target confman-sim

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCONFMAN_OTHER_BUILD_SIM="$PWD/build-debug/sim/confman-sim" > /dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs" ${CTEST_ARGS:-}

# The libFuzzer targets (fuzz/), built by clang in build-fuzz/ with only what
# they link, each run briefly from its seed corpus (ctest label "fuzz").
if [ "${FUZZ:-1}" != "0" ]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCONFMAN_FUZZ=ON -DCONFMAN_BUILD_BENCH=OFF > /dev/null
  cmake --build build-fuzz -j "$jobs" --target fuzz_targets
  ctest --test-dir build-fuzz --output-on-failure -j "$jobs" -L fuzz
fi
