#!/usr/bin/env bash
# Installs what is missing, configures, builds and runs rectify's whole test suite with ctest.
# Exits non-zero on any failure. Usage: scripts/test.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/packages.sh"
ensure_packages cmake make g++ pkg-config libxsimd-dev catch2

build=${1:-$root/build/test}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" -j "$jobs" --output-on-failure
