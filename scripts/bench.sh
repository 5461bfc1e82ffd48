#!/usr/bin/env bash
# Builds rectify's benchmark in Release and runs it on this machine, twice: every op against
# memcpy of the same elements, a plain scalar loop, Eigen and oneDNN when installed, and rectify
# built for any x86-64 with rectify::dispatch, on one pinned core; then the thread-scaling block,
# every op on 1 and on 2 threads (rectify::par), on every core this shell may use. Installs what
# is missing (Debian 12), prints the tables and writes the JSON, the tables (text and markdown)
# and the plots to bench/results/. Exits non-zero on any failure, including a contestant whose
# output disagrees with rectify's (the table still shows it, marked).
#
# Usage: scripts/bench.sh [--full] [--build-dir DIR] [-- rectify_bench flags...]
#   (default)  quick: float and double, out of place, 4K/64K/1M/16M elements, and PReLU in its
#              odd layouts (float: C = 3 and 67 channels-last, inner = 7 channels-first);
#              about eight minutes on 2 cores, the build included
#   --full     adds a sweep of every power of two from 64 to 64M (float), and in-place rows
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
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
rm -f "$results"/bench.json "$results"/bench_scaling.json "$results"/bench_*.png

# Medians of 9 repetitions run in random order: a burst of other work on a shared machine then
# falls on every contestant of a row alike instead of on one of them, which matters for ratios
# such as dispatch/native, and a median of 9 outlasts a burst that hits two or three of them.
# Rows that work from L3 or DRAM get 15: on a shared machine their repetitions spread by 10 to
# 20 % (coefficient of variation), so that two medians of 5 of the same code differed by up to
# 15 %. The quick mode's minimum time per repetition keeps the whole run within a few minutes on
# 2 cores while DRAM sizes still get several calls.
flags=(--benchmark_repetitions=9 --memory-repetitions=15 --benchmark_enable_random_interleaving=true
  --benchmark_report_aggregates_only=true --benchmark_out_format=json)
if [ "$mode" = full ]; then
  flags+=(--full --benchmark_min_time=0.05)
else
  flags+=(--benchmark_min_time=0.02)
fi

# The contestants on one core, the last one this shell may use, so that the run does not migrate
# between cores; oneDNN's OpenMP gets one thread, like everyone else. The thread-scaling block
# on every core this shell may use: its parallel rows need two.
allowed=
pinned=
pin=()
if command -v taskset >/dev/null 2>&1; then
  allowed=$(taskset -pc $$ 2>/dev/null | sed 's/.*: //')
  cpu=$(echo "$allowed" | tr ',' '\n' | tail -n 1 | sed 's/.*-//')
  if [ -n "$cpu" ] && taskset -c "$cpu" true 2>/dev/null; then
    pin=(taskset -c "$cpu")
    pinned=$cpu
    echo "Pinned to CPU $cpu; the thread-scaling block runs on CPU(s) $allowed"
  fi
fi
export OMP_NUM_THREADS=1
# The CPUs this shell may use (nproc would count OMP_NUM_THREADS instead).
if [ "$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 1)" -lt 2 ]; then
  echo "scripts/bench.sh: fewer than 2 CPUs: the 2-thread rows will share one" >&2
fi

# Runs the command given (rectify_bench, maybe behind taskset), its output appended to
# console.txt; a failure is remembered in status.
status=0
run() {
  set +e
  "$@" 2>&1 | tee -a "$results/console.txt" |
    grep --line-buffered -E '_median|MISMATCH|ERROR|failed|^  '
  local result=${PIPESTATUS[0]}
  set -e
  [ "$result" -eq 0 ] || status=$result
}

bench=("$build/bench/rectify_bench" "${flags[@]}")
: > "$results/console.txt"
echo "Running the $mode benchmark; Google Benchmark's own output goes to $results/console.txt"
start=$SECONDS
run "${pin[@]}" "${bench[@]}" --benchmark_out="$results/bench.json" \
  --benchmark_context=cpus="${pinned:-any}" "${extra[@]}"
echo "Contestants ran in $((SECONDS - start)) s"
# Wall-clock figures, in the same random order, so the 1- and the 2-thread rows see the same
# machine. (Google Benchmark reads a comma in --benchmark_context as the start of another
# key=value pair.)
start=$SECONDS
run "${bench[@]}" --scaling --threads=2 --benchmark_out="$results/bench_scaling.json" \
  --benchmark_context=cpus="$(echo "${allowed:-any}" | tr ',' ' ')" "${extra[@]}"
echo "Thread-scaling block ran in $((SECONDS - start)) s"
for json in bench.json bench_scaling.json; do
  if [ ! -s "$results/$json" ]; then
    echo "scripts/bench.sh: the benchmark wrote no $json (exit status $status)" >&2
    exit 1
  fi
done

echo
report_status=0
/usr/bin/python3 "$root/bench/report.py" "$results/bench.json" "$results/bench_scaling.json" \
  --binary "$build/bench/rectify_bench" --out-dir "$results" || report_status=$?
echo "Results: $results (bench.json, bench_scaling.json, table.txt, table.md, bench_*.png, console.txt)"
if [ "$status" -ne 0 ] || [ "$report_status" -ne 0 ]; then
  echo "scripts/bench.sh: failed (benchmark exit status $status, report $report_status)" >&2
  exit 1
fi
