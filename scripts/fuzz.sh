#!/usr/bin/env bash
# Builds the differential fuzz targets with clang (libFuzzer, AddressSanitizer, UBSan), one over
# the header-only kernels of every instruction set this machine has and one over rectify::dispatch,
# and runs, through ctest, each one's seed corpus from fuzz/corpus, then a bounded fuzzing session
# of each (three quarters of the time for the first, a quarter for the second). Installs what is
# missing; exits non-zero on any finding, whose input is left in <build>/fuzz/artifacts/.
# Usage: scripts/fuzz.sh [seconds] [build-dir]   (default 120 seconds in all)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/packages.sh"
ensure_packages cmake make clang libclang-rt-14-dev libxsimd-dev

seconds=${1:-120}
build=${2:-$root/build/fuzz}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRECTIFY_BUILD_TESTS=OFF -DRECTIFY_BUILD_EXAMPLES=OFF -DRECTIFY_BUILD_FUZZERS=ON \
  -DRECTIFY_FUZZ_SECONDS=$((seconds * 3 / 4)) -DRECTIFY_FUZZ_DISPATCH_SECONDS=$((seconds / 4))
cmake --build "$build" -j "$jobs"

status=0
ctest --test-dir "$build" -L fuzz --output-on-failure || status=$?
# libFuzzer's own summary of each session: executions, coverage, corpus.
grep -hE '^([0-9]+/[0-9]+ Test: |stat::|Done [0-9]+ runs|#[0-9]+\s+(INITED|DONE))' \
  "$build/Testing/Temporary/LastTest.log" || true
if [ "$status" -ne 0 ]; then
  echo "fuzz: a finding; replay it with $build/fuzz/<fuzzer> <input>:"
  ls "$build/fuzz/artifacts/" || true
fi
exit "$status"
