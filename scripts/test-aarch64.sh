#!/usr/bin/env bash
# Cross-compiles rectify's test suite for aarch64 with Debian's g++-aarch64-linux-gnu and runs it
# under qemu-aarch64, so the kernels are xsimd's NEON ones: the whole Catch2 suite, header-only
# and through rectify::dispatch, and the sampled sweep of every 41st float bit
# pattern (104,755,300 of them, and the special values) against the scalar reference. Installs
# what is missing; exits non-zero on any failure.
# Usage: scripts/test-aarch64.sh [build-dir]; RECTIFY_SWEEP_STRIDE overrides the stride.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/packages.sh"
ensure_packages cmake make g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libxsimd-dev \
  catch2

build=${1:-$root/build/aarch64}
stride=${RECTIFY_SWEEP_STRIDE:-41}
jobs=$(nproc 2>/dev/null || echo 2)
start=$SECONDS
# NEON is part of armv8-a, so the baseline enables xsimd's neon64 kernels (tests/arches.hpp).
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/aarch64-linux-gnu.cmake" \
  -DRECTIFY_TEST_ARCH_FLAGS=-march=armv8-a -DRECTIFY_SWEEP_STRIDE="$stride" \
  -DRECTIFY_BUILD_EXAMPLES=OFF
# Only the programs the tests below run: not the exhaustive sweep's (see below).
cmake --build "$build" -j "$jobs" --target rectify_tests rectify_sampled_sweep \
  rectify_dispatch_tests
echo "aarch64: build took $((SECONDS - start)) s"
# The package tests build consumers with the same compiler and run them directly, which an x86
# machine cannot; what they check (install, find_package, pkg-config) is the same on every
# architecture and is covered by scripts/test.sh. The exhaustive sweeps (label exhaustive) are
# left to the native run: even their sample scope takes over 5 minutes under qemu for float32
# alone, and rectify_sampled_sweep is this build's sweep. The kernel tests' rerun with streaming
# stores is left out too: aarch64 has no non-temporal store, so kernel_loop.hpp's streaming stores
# are the very aligned stores of the first run, and the same instructions would run twice. The
# examples are not built: they make the calls the suite tests, and the native run runs them, while
# here one of them alone took over a minute of emulation.
start=$SECONDS
status=0
ctest --test-dir "$build" -j "$jobs" --output-on-failure -E '^(package\.|streaming stores:)' \
  -LE exhaustive || status=$?
grep -h '^sampled sweep:' "$build/Testing/Temporary/LastTest.log" || true
echo "aarch64: tests under qemu-aarch64 took $((SECONDS - start)) s"
exit "$status"
