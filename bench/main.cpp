// rectify's benchmark: every op of the library against memcpy of the same elements, a plain
// scalar loop and, when they were found at configure time, Eigen and oneDNN, in one binary.
//
//   rectify_bench [--full] [--sizes=N,N,...] [Google Benchmark flags]
//
// Default (quick): float, out of place, at 4096 (L1), 65536 (L2), 1048576 (L3) and 16777216
// (DRAM) elements. --full adds every power of two from 64 to 64M for float out of place, and
// in-place and double rows at the four sizes. --sizes replaces the sizes (multiples of 64, the
// PReLU channel count). Benchmarks of one size run together, contestants side by side, so that a
// disturbance of a shared machine hits them alike. Exits non-zero if any check failed.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
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
  std::vector<std::size_t> sizes;  // empty: the mode's own
};

// Takes our flags out of argv, leaving Google Benchmark's.
options parse_options(int& argc, char** argv) {
  options result;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--full") {
      result.full = true;
    } else if (arg.starts_with("--sizes=")) {
      std::string list(arg.substr(8));
      for (std::size_t start = 0; start <= list.size();) {
        const std::size_t end = std::min(list.find(',', start), list.size());
        const std::string item = list.substr(start, end - start);
        std::size_t parsed = 0;
        const unsigned long long n = item.empty() ? 0 : std::stoull(item, &parsed);
        if (n == 0 || parsed != item.size() || n % kChannels != 0) {
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

// One block of the table: an element type, a placement and its sizes.
struct variant {
  bool is_double;
  placement where;
  std::vector<std::size_t> sizes;
};

std::vector<variant> variants_of(const options& opts) {
  const std::vector<std::size_t> hierarchy = {4096, 65536, 1048576, 16777216};
  std::vector<std::size_t> sweep;
  for (std::size_t n = 64; n <= (std::size_t{64} << 20); n *= 2) sweep.push_back(n);
  const auto sizes = [&](const std::vector<std::size_t>& own) {
    return opts.sizes.empty() ? own : opts.sizes;
  };
  if (!opts.full) return {{false, placement::out_of_place, sizes(hierarchy)}};
  return {{false, placement::out_of_place, sizes(sweep)},
          {false, placement::in_place, sizes(hierarchy)},
          {true, placement::out_of_place, sizes(hierarchy)},
          {true, placement::in_place, sizes(hierarchy)}};
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

void add(case_function function, std::string name, std::size_t n, placement where) {
  case_spec spec{std::move(name), n, where};
  benchmark::RegisterBenchmark(spec.name.c_str(), function, spec);
}

void register_benchmarks(const std::vector<variant>& variants, const std::vector<entry>& entries) {
  std::set<std::pair<bool, std::size_t>> copies;
  for (const variant& v : variants) {
    const std::string type = v.is_double ? "double" : "float";
    const std::string where = placement_name(v.where);
    for (const std::size_t n : v.sizes) {
      if (copies.emplace(v.is_double, n).second) {
        add(v.is_double ? &run_memcpy<double> : &run_memcpy<float>,
            "memcpy/" + type + "/out_of_place/memcpy/" + std::to_string(n), n,
            placement::out_of_place);
      }
      for_each_op([&]<class Op>() {
        for (const entry& e : entries) {
          const case_function function = v.is_double ? e.for_double : e.for_float;
          if (e.op != Op::name || function == nullptr) continue;
          add(function,
              std::string(Op::name) + "/" + type + "/" + where + "/" + std::string(e.contestant) +
                  "/" + std::to_string(n),
              n, v.where);
        }
      });
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
      v.is_double ? workload<double>::get().reserve(n) : workload<float>::get().reserve(n);
    }
  }

  std::vector<entry> entries;
  add_rectify(entries);
  add_plain_loop(entries);
#if RECTIFY_BENCH_HAVE_EIGEN
  add_eigen(entries);
#endif
#if RECTIFY_BENCH_HAVE_ONEDNN
  add_onednn(entries);
#endif
  register_benchmarks(variants, entries);

  benchmark::AddCustomContext("rectify_arch", rectify::default_arch::name());
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
