#!/usr/bin/env bash
# Runs the exhaustive sweeps (ctest label 'exhaustive') in full scope: every float32 bit pattern
# and 10^9 doubles through every kernel on every instruction set of this machine. Builds them
# first if needed, in the given build directory (default: the one scripts/test.sh uses).
# Usage: scripts/ci-exhaustive.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/packages.sh"
ensure_packages cmake make g++ pkg-config libxsimd-dev catch2

build=${1:-$root/build/test}
jobs=$(nproc 2>/dev/null || echo 2)
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs" --target rectify_exhaustive
# -V shows the progress lines and the per-kernel figures as they come.
RECTIFY_SWEEP_SCOPE=full ctest --test-dir "$build" -L exhaustive -V
