#!/usr/bin/env bash
# Builds rectify's benchmark in Release and runs it on this machine: every op against memcpy of
# the same elements, a plain scalar loop and, when installed, Eigen and oneDNN, on one pinned
# core. Installs what is missing (Debian 12), prints the table and writes the JSON, the table
# (text and markdown) and the plots to bench/results/. Exits non-zero on any failure, including
# a contestant whose output disagrees with rectify's (the table still shows it, marked).
#
# Usage: scripts/bench.sh [--full] [--build-dir DIR] [-- rectify_bench flags...]
#   (default)  quick: float, out of place, 4K/64K/1M/16M elements, a few minutes at most
#   --full     adds a sweep of every power of two from 64 to 64M, in-place and double rows
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

mode=quick
build=$root/build/bench
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --full) mode=full ;;
    --build-dir) build=$2; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/bench.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

source "$root/scripts/packages.sh"
ensure_packages cmake make g++ binutils pkg-config libxsimd-dev libbenchmark-dev \
  libeigen3-dev libdnnl-dev python3 python3-matplotlib util-linux

start=$SECONDS
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRECTIFY_BUILD_BENCH=ON \
  -DRECTIFY_BUILD_TESTS=OFF -DRECTIFY_BUILD_EXAMPLES=OFF
cmake --build "$build" --target rectify_bench -j "$jobs"
echo "Configured and built in $((SECONDS - start)) s"

results=$root/bench/results
mkdir -p "$results"
rm -f "$results"/bench.json "$results"/bench_*.png

# Medians of 3 repetitions; the quick mode's minimum time per repetition keeps the whole run
# within a few minutes on 2 cores while DRAM sizes still get several calls.
flags=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true
       --benchmark_out="$results/bench.json" --benchmark_out_format=json)
if [ "$mode" = full ]; then
  flags+=(--full --benchmark_min_time=0.05)
else
  flags+=(--benchmark_min_time=0.02)
fi

# One core, the last one this shell may use, so that the run does not migrate between cores;
# oneDNN's OpenMP gets one thread, like everyone else.
pin=()
if command -v taskset >/dev/null 2>&1; then
  cpu=$(taskset -pc $$ 2>/dev/null | sed 's/.*: //' | tr ',' '\n' | tail -n 1 | sed 's/.*-//')
  if [ -n "$cpu" ] && taskset -c "$cpu" true 2>/dev/null; then
    pin=(taskset -c "$cpu")
    echo "Pinned to CPU $cpu"
  fi
fi
export OMP_NUM_THREADS=1

echo "Running the $mode benchmark; Google Benchmark's own output goes to $results/console.txt"
start=$SECONDS
set +e
"${pin[@]}" "$build/bench/rectify_bench" "${flags[@]}" "${extra[@]}" 2>&1 |
  tee "$results/console.txt" | grep --line-buffered -E '_median|MISMATCH|ERROR|failed|^  '
bench_status=${PIPESTATUS[0]}
set -e
echo "Ran in $((SECONDS - start)) s"
if [ ! -s "$results/bench.json" ]; then
  echo "scripts/bench.sh: the benchmark wrote no results (exit status $bench_status)" >&2
  exit 1
fi

echo
report_status=0
/usr/bin/python3 "$root/bench/report.py" "$results/bench.json" --binary "$build/bench/rectify_bench" \
  --out-dir "$results" || report_status=$?
echo "Results: $results (bench.json, table.txt, table.md, bench_*.png, console.txt)"
if [ "$bench_status" -ne 0 ] || [ "$report_status" -ne 0 ]; then
  echo "scripts/bench.sh: failed (benchmark exit status $bench_status, report $report_status)" >&2
  exit 1
fi
