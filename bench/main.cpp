// rectify's benchmark: every op of the library against memcpy of the same elements, a plain
// scalar loop and, when they were found at configure time, Eigen and oneDNN, in one binary; and
// rectify itself twice, built for this machine (-march=native, header-only) and built for any
// x86-64 (no -march) with rectify::dispatch choosing the kernels at run time.
//
//   rectify_bench [--full] [--sizes=N,N,...] [--memory-repetitions=K] [Google Benchmark flags]
//   rectify_bench --scaling [--threads=K] [--full] [--sizes=N,N,...] [--memory-repetitions=K]
//                 [Google Benchmark flags]
//
// Default (quick): float and double, out of place, at 4096 (L1), 65536 (L2), 1048576 (L3) and
// 16777216 (DRAM) elements; and, float only, PReLU forward and backward in the odd layouts
// (channels-last C = 3 and 67, channels-first inner = 7 over a batch), each at the multiple of
// C * inner nearest those sizes. --full adds every power of two from 64 to 64M for float out of
// place, and in-place rows of both types at the four sizes. --sizes replaces the sizes
// (multiples of 64, the main PReLU rows' channel count; the odd layouts round them as above).
// Benchmarks of one size are registered together, contestants side by side; scripts/bench.sh
// also runs the repetitions of all of them in random order, so that a disturbance of a shared
// machine hits them alike. --memory-repetitions=K repeats the rows of 512K elements and more
// (L3 and DRAM, whose bandwidth moves most on a shared machine) K times instead of
// --benchmark_repetitions times. Exits non-zero if any check failed.
//
// --scaling runs the thread-scaling block instead: float, out of place, at the same four sizes
// and 64M, every op with rectify's serial call (1 thread) beside the same call with
// rectify::par on a pool of K threads (default 2), and memcpy likewise. It needs K cores to
// itself, where the default block is best pinned to one.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "build_info.hpp"
#include "harness.hpp"

namespace bench {
namespace {

struct options {
  bool full = false;
  bool scaling = false;
  std::size_t threads = 2;
  std::vector<std::size_t> sizes;  // empty: the mode's own
  int memory_repetitions = 0;      // 0: Google Benchmark's --benchmark_repetitions
};

// Rows of at least this many elements work from L3 or DRAM (4 MiB of floats and up), whose
// bandwidth other tenants of a shared machine move by 10 to 20 % from one repetition to the
// next: --memory-repetitions gives them more repetitions than the in-cache rows need.
inline constexpr std::size_t kMemoryRowsFrom = std::size_t{1} << 19;

// item as a whole decimal number, or 0 if it is not one (std::stoull would take "12x" as 12 and
// throw, with no word of which flag, on "x").
unsigned long long parse_count(const std::string& item) {
  if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos) return 0;
  try {
    return std::stoull(item);
  } catch (const std::out_of_range&) {
    return 0;
  }
}

// Takes our flags out of argv, leaving Google Benchmark's.
options parse_options(int& argc, char** argv) {
  options result;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--full") {
      result.full = true;
    } else if (arg == "--scaling") {
      result.scaling = true;
    } else if (arg.starts_with("--threads=")) {
      const std::string item(arg.substr(10));
      const unsigned long long k = parse_count(item);
      if (k < 2 || k > 1024) {
        throw std::invalid_argument("--threads: '" + item + "' is not a thread count from 2 up");
      }
      result.threads = static_cast<std::size_t>(k);
    } else if (arg.starts_with("--memory-repetitions=")) {
      const std::string item(arg.substr(21));
      const unsigned long long k = parse_count(item);
      if (k < 1 || k > 1000) {
        throw std::invalid_argument("--memory-repetitions: '" + item +
                                    "' is not a repetition count from 1 to 1000");
      }
      result.memory_repetitions = static_cast<int>(k);
    } else if (arg.starts_with("--sizes=")) {
      std::string list(arg.substr(8));
      for (std::size_t start = 0; start <= list.size();) {
        const std::size_t end = std::min(list.find(',', start), list.size());
        const std::string item = list.substr(start, end - start);
        const unsigned long long n = parse_count(item);
        if (n == 0 || n % kChannels != 0) {
          throw std::invalid_argument("--sizes: '" + item +
                                      "' is not a positive multiple of 64 (PReLU's C)");
        }
        result.sizes.push_back(static_cast<std::size_t>(n));
        start = end + 1;
      }
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return result;
}

// One block of the table: an element type, a placement, its sizes, and its ops: the main rows,
// or PReLU's odd layouts (each timed at the size nearest n that its shape allows).
struct variant {
  bool is_double;
  placement where;
  std::vector<std::size_t> sizes;
  bool odd_layouts = false;
};

std::vector<variant> variants_of(const options& opts) {
  const std::vector<std::size_t> hierarchy = {4096, 65536, 1048576, 16777216};
  std::vector<std::size_t> sweep;
  for (std::size_t n = 64; n <= (std::size_t{64} << 20); n *= 2) sweep.push_back(n);
  const auto sizes = [&](const std::vector<std::size_t>& own) {
    return opts.sizes.empty() ? own : opts.sizes;
  };
  if (opts.scaling) {
    std::vector<std::size_t> scaling = hierarchy;
    scaling.push_back(std::size_t{64} << 20);
    return {{false, placement::out_of_place, sizes(scaling)}};
  }
  if (!opts.full) {
    return {{false, placement::out_of_place, sizes(hierarchy)},
            {false, placement::out_of_place, sizes(hierarchy), true},
            {true, placement::out_of_place, sizes(hierarchy)}};
  }
  return {{false, placement::out_of_place, sizes(sweep)},
          {false, placement::out_of_place, sizes(hierarchy), true},
          {false, placement::in_place, sizes(hierarchy)},
          {true, placement::out_of_place, sizes(hierarchy)},
          {true, placement::in_place, sizes(hierarchy)}};
}

// The largest size any op is timed at in the rows of size n (an odd layout may round n up).
std::size_t largest_size_near(std::size_t n) {
  std::size_t largest = n;
  for_each_op([&]<class Op>() { largest = std::max(largest, Op::size_near(n)); });
  return largest;
}

template <class T>
void run_memcpy(benchmark::State& state, const case_spec& spec) {
  auto& data = workload<T>::get();
  problem<T> p = data.make(spec.n, 1, placement::out_of_place, 0, 0);
  for (auto _ : state) {
    std::memcpy(p.out, p.x, spec.n * sizeof(T));
    benchmark::ClobberMemory();
  }
  const auto bytes = static_cast<std::int64_t>(2 * spec.n * sizeof(T));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(spec.n));
  state.SetLabel("memcpy");
}

// memcpy split over the scaling pool the way rectify::par splits an elementwise op: in units of
// 4 KiB, at least rectify::default_grain elements per thread. The ceiling of the parallel rows:
// what this machine's memory gives K threads that only move the bytes.
template <class T>
void run_memcpy_threads(benchmark::State& state, const case_spec& spec) {
  auto& data = workload<T>::get();
  problem<T> p = data.make(spec.n, 1, placement::out_of_place, 0, 0);
  constexpr std::size_t unit = 4096 / sizeof(T);
  const std::size_t units = (spec.n + unit - 1) / unit;
  const std::size_t grain = std::max<std::size_t>(1, rectify::default_grain / unit);
  auto copy = [&](std::size_t first, std::size_t last) {
    const std::size_t begin = first * unit, end = std::min(spec.n, last * unit);
    std::memcpy(p.out + begin, p.x + begin, (end - begin) * sizeof(T));
  };
  rectify::thread_pool& pool = scaling_pool();
  for (auto _ : state) {
    pool.parallel_for(units, grain, rectify::range_function(copy));
    benchmark::ClobberMemory();
  }
  const auto bytes = static_cast<std::int64_t>(2 * spec.n * sizeof(T));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(spec.n));
  state.SetLabel("memcpy, thread_pool(" + std::to_string(pool.size()) + ")");
}

benchmark::internal::Benchmark* add(case_function function, std::string name, std::size_t n,
                                    placement where) {
  case_spec spec{std::move(name), n, where};
  return benchmark::RegisterBenchmark(spec.name.c_str(), function, spec);
}

// A benchmark of n elements, with memory_repetitions repetitions if its row works from memory.
benchmark::internal::Benchmark* repeat(benchmark::internal::Benchmark* b, std::size_t n,
                                       int memory_repetitions) {
  if (memory_repetitions != 0 && n >= kMemoryRowsFrom) b->Repetitions(memory_repetitions);
  return b;
}

void register_benchmarks(const std::vector<variant>& variants, const std::vector<entry>& entries,
                         int memory_repetitions) {
  std::set<std::pair<bool, std::size_t>> copies;
  for (const variant& v : variants) {
    const std::string type = v.is_double ? "double" : "float";
    const std::string where = placement_name(v.where);
    for (const std::size_t row : v.sizes) {
      for_each_op([&]<class Op>() {
        if (Op::odd_layout != v.odd_layouts) return;
        const std::size_t n = Op::size_near(row);
        if (copies.emplace(v.is_double, n).second) {
          repeat(add(v.is_double ? &run_memcpy<double> : &run_memcpy<float>,
                     "memcpy/" + type + "/out_of_place/memcpy/" + std::to_string(n), n,
                     placement::out_of_place),
                 n, memory_repetitions);
        }
        for (const entry& e : entries) {
          const case_function function = v.is_double ? e.for_double : e.for_float;
          if (e.op != Op::name || function == nullptr) continue;
          repeat(add(function,
                     std::string(Op::name) + "/" + type + "/" + where + "/" +
                         std::string(e.contestant) + "/" + std::to_string(n),
                     n, v.where),
                 n, memory_repetitions);
        }
      });
    }
  }
}

// Appended rather than "/" + ..., which sets off g++ 12's false -Wrestrict (GCC PR105329).
std::string threads_suffix(std::size_t threads) {
  std::string suffix = std::to_string(threads);
  suffix.insert(suffix.begin(), '/');
  suffix.append(threads == 1 ? "_thread" : "_threads");
  return suffix;
}

// The thread-scaling block: at each size, memcpy and then every op, each on one thread and then
// on `threads`, back to back. Timed by the clock on the wall: Google Benchmark's CPU time is the
// calling thread's alone, which would leave out the other threads' work.
void register_scaling(const std::vector<variant>& variants, std::size_t threads,
                      int memory_repetitions) {
  std::vector<entry> serial, parallel;
  add_rectify_threads(serial, 1);
  add_rectify_threads(parallel, threads);
  for (const variant& v : variants) {
    const std::string type = v.is_double ? "double" : "float";
    const std::string where = placement_name(v.where);
    for (const std::size_t n : v.sizes) {
      std::string size = std::to_string(n);
      size.insert(size.begin(), '/');
      repeat(add(v.is_double ? &run_memcpy<double> : &run_memcpy<float>,
                 "memcpy/" + type + "/out_of_place/memcpy" + size + threads_suffix(1), n,
                 placement::out_of_place),
             n, memory_repetitions)
          ->UseRealTime();
      repeat(add(v.is_double ? &run_memcpy_threads<double> : &run_memcpy_threads<float>,
                 "memcpy/" + type + "/out_of_place/memcpy" + size + threads_suffix(threads), n,
                 placement::out_of_place),
             n, memory_repetitions)
          ->UseRealTime();
      const auto add_op = [&](const entry& e, std::size_t k) {
        repeat(add(v.is_double ? e.for_double : e.for_float,
                   std::string(e.op) + "/" + type + "/" + where + "/" +
                       std::string(e.contestant) + size + threads_suffix(k),
                   n, v.where),
               n, memory_repetitions)
            ->UseRealTime();
      };
      // Both lists hold every op in table order; the odd layouts have no scaling rows.
      for (std::size_t i = 0; i < serial.size(); ++i) {
        if (serial[i].odd_layout) continue;
        add_op(serial[i], 1);
        add_op(parallel[i], threads);
      }
    }
  }
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  options opts;
  try {
    opts = parse_options(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "rectify_bench: " << error.what() << "\n";
    return 2;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  const std::vector<variant> variants = variants_of(opts);
  for (const variant& v : variants) {
    for (const std::size_t n : v.sizes) {
      const std::size_t largest = largest_size_near(n);
      v.is_double ? workload<double>::get().reserve(largest)
                  : workload<float>::get().reserve(largest);
    }
  }

  if (opts.scaling) {
    scaling_threads() = opts.threads;
    register_scaling(variants, opts.threads, opts.memory_repetitions);
  } else {
    std::vector<entry> entries;
    add_rectify(entries);
#if RECTIFY_BENCH_HAVE_DISPATCH
    add_rectify_dispatch(entries);
#endif
    add_plain_loop(entries);
#if RECTIFY_BENCH_HAVE_EIGEN
    add_eigen(entries);
#endif
#if RECTIFY_BENCH_HAVE_ONEDNN
    add_onednn(entries);
#endif
    register_benchmarks(variants, entries, opts.memory_repetitions);
  }

  benchmark::AddCustomContext("rectify_arch", rectify::default_arch::name());
#if RECTIFY_BENCH_HAVE_DISPATCH
  benchmark::AddCustomContext("rectify_dispatch_isa", dispatch_isa());
#else
  benchmark::AddCustomContext("rectify_dispatch_isa", "not built (rectify::dispatch unsupported)");
#endif
  benchmark::AddCustomContext("block", opts.scaling ? "thread scaling" : "contestants");
  if (opts.scaling) {
    benchmark::AddCustomContext("threads", std::to_string(opts.threads));
  }
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("compiler", RECTIFY_BENCH_COMPILER);
  benchmark::AddCustomContext("flags", RECTIFY_BENCH_FLAGS);
  benchmark::AddCustomContext("eigen",
                              RECTIFY_BENCH_HAVE_EIGEN ? "yes" : "not found at configure time");
  benchmark::AddCustomContext("onednn",
                              RECTIFY_BENCH_HAVE_ONEDNN ? "yes" : "not found at configure time");
  benchmark::AddCustomContext("mode", opts.full ? "full" : "quick");
  benchmark::AddCustomContext("input", "standard normal, fixed seed");

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  if (!failures().empty()) {
    std::cerr << "\nrectify_bench: " << failures().size() << " check(s) failed:\n";
    for (const std::string& failure : failures()) std::cerr << "  " << failure << "\n";
    return 1;
  }
  return 0;
}
