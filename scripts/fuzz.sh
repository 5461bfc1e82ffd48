#!/usr/bin/env bash
# Builds the differential fuzz target with clang (libFuzzer, AddressSanitizer, UBSan) and runs,
# through ctest, first the seed corpus in fuzz/corpus, then a bounded fuzzing session. Installs
# what is missing; exits non-zero on any finding, whose input is left in <build>/fuzz/artifacts/.
# Usage: scripts/fuzz.sh [seconds] [build-dir]   (default 120 seconds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/packages.sh"
ensure_packages cmake make clang libclang-rt-14-dev libxsimd-dev

seconds=${1:-120}
build=${2:-$root/build/fuzz}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRECTIFY_BUILD_TESTS=OFF -DRECTIFY_BUILD_EXAMPLES=OFF -DRECTIFY_BUILD_FUZZERS=ON \
  -DRECTIFY_FUZZ_SECONDS="$seconds"
cmake --build "$build" -j "$jobs"

status=0
ctest --test-dir "$build" -L fuzz --output-on-failure || status=$?
# libFuzzer's own summary of the session: executions, coverage, corpus.
grep -hE '^(stat::|Done [0-9]+ runs|INFO: seed corpus|#[0-9]+\s+(INITED|DONE))' \
  "$build/Testing/Temporary/LastTest.log" || true
if [ "$status" -ne 0 ]; then
  echo "fuzz: a finding; reproduce with $build/fuzz/rectify_differential_fuzzer <input>:"
  ls "$build/fuzz/artifacts/" || true
fi
exit "$status"
