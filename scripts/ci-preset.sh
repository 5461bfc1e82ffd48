#!/usr/bin/env bash
# Configures, builds and tests one preset of CMakePresets.json, after installing the Debian
# packages it needs. Extra arguments go to ctest. Usage: scripts/ci-preset.sh <preset> [ctest args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/packages.sh"

preset=${1:?usage: scripts/ci-preset.sh <preset> [ctest arguments]}
shift
common=(cmake make pkg-config libxsimd-dev catch2)
case $preset in
  clang|clang-asan) ensure_packages "${common[@]}" clang-14 g++ ;;  # clang uses g++'s libstdc++
  gcc) ensure_packages "${common[@]}" g++-12 ;;
  *) ensure_packages "${common[@]}" g++ ;;
esac

cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" "$@"
