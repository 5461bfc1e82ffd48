// How rectify::par scales: every op, serial against the same call split over N threads, from
// L2-sized buffers to DRAM-sized ones, and what it costs to start the threads of one call.
//
//   parallel_scaling [--threads N] [--repeats R] [--sizes 65536,1048576,...] [--overhead]
//
// Each figure is the median over R rounds; in each round the serial and the parallel call run
// back to back (in alternating order), each as many times as fill about 20 ms, so that a noisy
// machine disturbs both alike. Buffers are out of place and written once before timing (no page
// faults timed). Bandwidth counts the bytes each call must move: every input read once, the output
// written once. The bundled benchmark's thread-scaling run (rectify_bench --scaling, the figures
// in docs/parallel.md) times the same pairs; this program adds other thread counts, OpenMP and
// the cost of starting threads (--overhead).

#include <rectify/rectify.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "../tests/kernel_list.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// Seconds per call of f, timed over enough calls to last about `budget` seconds.
double seconds_per_call(const std::function<void()>& f, double budget) {
  std::size_t calls = 1;
  for (;;) {
    const auto start = clock_type::now();
    for (std::size_t k = 0; k < calls; ++k) f();
    const double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    if (elapsed >= budget || calls >= (std::size_t(1) << 24)) return elapsed / double(calls);
    calls = elapsed <= 0 ? calls * 16
                         : std::max(calls * 2, std::size_t(double(calls) * budget / elapsed * 1.2));
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct options {
  std::size_t threads = 2;
  std::size_t repeats = 7;
  std::vector<std::size_t> sizes = {std::size_t(1) << 16, std::size_t(1) << 18,
                                    std::size_t(1) << 20, std::size_t(1) << 22,
                                    std::size_t(1) << 24, std::size_t(1) << 26};
  bool overhead = false;
};

// Median serial and parallel seconds per call, measured in interleaved rounds.
std::pair<double, double> compare(const options& o, const std::function<void()>& serial,
                                  const std::function<void()>& parallel) {
  serial();
  parallel();
  std::vector<double> s, p;
  for (std::size_t r = 0; r < o.repeats; ++r) {
    // Alternate which goes first, so neither always inherits the other's warm caches.
    if (r % 2 == 0) {
      s.push_back(seconds_per_call(serial, 0.02));
      p.push_back(seconds_per_call(parallel, 0.02));
    } else {
      p.push_back(seconds_per_call(parallel, 0.02));
      s.push_back(seconds_per_call(serial, 0.02));
    }
  }
  return {median(s), median(p)};
}

void print_row(std::string_view op, std::size_t n, double bytes, std::pair<double, double> t) {
  std::printf("| %-32s | %9zu | %9.1f | %8.2f | %9.1f | %8.2f | %6.2fx |\n",
              std::string(op).c_str(), n, t.first * 1e6, bytes / t.first * 1e-9, t.second * 1e6,
              bytes / t.second * 1e-9, t.first / t.second);
}

struct prelu_layout {
  const char* name;
  std::size_t channels;
  std::size_t inner;  // 0: n / channels (NCHW with one image)
};

// One elementwise kernel of the tests' list, serial against parallel.
template <class Kernel, class Policy>
void time_kernel(const options& o, Kernel, Policy parallel_policy, std::span<const float> in,
                 std::span<const float> grad, std::span<float> result) {
  const double bytes = double(in.size()) * sizeof(float) * (Kernel::inputs + 1);
  const auto arch = rectify::default_arch{};
  print_row(Kernel::name, in.size(), bytes,
            compare(
                o, [&] { Kernel::run(arch, in, grad, result, 0.25f); },
                [&] { Kernel::run_with(arch, parallel_policy, in, grad, result, 0.25f); }));
}

template <class Policy>
void scaling_table(const options& o, Policy parallel_policy) {
  std::printf(
      "\n| op (float, out of place)         |         n | 1 thread us |  GB/s | %zu threads us |  "
      "GB/s | speedup |\n",
      o.threads);
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  const std::size_t largest = *std::max_element(o.sizes.begin(), o.sizes.end());
  std::vector<float> x(largest), dy(largest), out(largest);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  for (float& v : x) v = normal(rng);
  for (float& v : dy) v = normal(rng);
  std::fill(out.begin(), out.end(), 1.0f);

  for (std::size_t n : o.sizes) {
    std::span<const float> in(x.data(), n), grad(dy.data(), n);
    std::span<float> result(out.data(), n);
    std::apply(
        [&](auto... kernel) { (time_kernel(o, kernel, parallel_policy, in, grad, result), ...); },
        testing::elementwise_kernels{});
    const prelu_layout layouts[] = {{"C=1", 1, 1}, {"NCHW C=64", 64, 0}, {"NHWC C=64", 64, 1}};
    for (const prelu_layout& l : layouts) {
      const std::size_t inner = l.inner != 0 ? l.inner : n / l.channels;
      std::vector<float> w(l.channels, 0.25f), dw(l.channels);
      const std::string forward = std::string("prelu_forward ") + l.name;
      const std::string backward = std::string("prelu_backward ") + l.name;
      print_row(forward, n, double(n) * sizeof(float) * 2,
                compare(
                    o, [&] { rectify::prelu_forward(in, result, w, inner); },
                    [&] { rectify::prelu_forward(parallel_policy, in, result, w, inner); }));
      print_row(
          backward, n, double(n) * sizeof(float) * 3,
          compare(
              o, [&] { rectify::prelu_backward(in, grad, result, w, dw, inner); },
              [&] { rectify::prelu_backward(parallel_policy, in, grad, result, w, dw, inner); }));
    }
    std::fflush(stdout);
  }
}

// Starts a thread per call for all but the first range: what a pool saves.
struct thread_per_call {
  std::size_t threads;
  void parallel_for(std::size_t count, std::size_t, rectify::range_function fn) const {
    std::vector<std::jthread> started;
    for (std::size_t t = 1; t < threads; ++t) {
      started.emplace_back([=, this] { fn(count * t / threads, count * (t + 1) / threads); });
    }
    fn(0, count / threads);
  }
};

// relu_forward with the split forced (grain of one unit) on each executor, against serial, for
// small sizes: where starting threads stops paying off.
void overhead_table(const options& o) {
  rectify::thread_pool pool(o.threads);
  std::printf(
      "\n| relu_forward, split forced |       n | serial us | thread_pool us | "
#if defined(_OPENMP)
      "openmp us | "
#endif
      "thread per call us |\n|---|---:|---:|---:|%s---:|\n",
#if defined(_OPENMP)
      "---:|"
#else
      ""
#endif
  );
  const std::size_t sizes[] = {4096, 16384, 65536, 131072, 262144, 1048576};
  std::vector<float> x(1048576, -1.0f), y(1048576);
  for (std::size_t n : sizes) {
    std::span<const float> in(x.data(), n);
    std::span<float> out(y.data(), n);
    auto forced = [](auto policy) { return policy.with_grain(1024); };
    const auto pool_times = compare(
        o, [&] { rectify::relu_forward(in, out); },
        [&] { rectify::relu_forward(forced(rectify::par.on(pool)), in, out); });
#if defined(_OPENMP)
    const auto omp_times = compare(
        o, [&] { rectify::relu_forward(in, out); },
        [&] {
          rectify::relu_forward(
              forced(rectify::par.on(rectify::openmp_executor(static_cast<int>(o.threads)))), in,
              out);
        });
#endif
    const auto spawn_times = compare(
        o, [&] { rectify::relu_forward(in, out); },
        [&] {
          rectify::relu_forward(forced(rectify::par.on(thread_per_call{o.threads})), in, out);
        });
    std::printf("| | %7zu | %9.2f | %14.2f | ", n, pool_times.first * 1e6, pool_times.second * 1e6);
#if defined(_OPENMP)
    std::printf("%9.2f | ", omp_times.second * 1e6);
#endif
    std::printf("%18.2f |\n", spawn_times.second * 1e6);
  }
  // The default grain: calls this small must stay serial, within noise of the serial call.
  std::printf(
      "\n| relu_forward, default grain |      n | serial us | par us | par / serial "
      "|\n|---|---:|---:|---:|---:|\n");
  for (std::size_t n : {std::size_t(4096), std::size_t(65536)}) {
    std::span<const float> in(x.data(), n);
    std::span<float> out(y.data(), n);
    const auto t = compare(
        o, [&] { rectify::relu_forward(in, out); },
        [&] { rectify::relu_forward(rectify::par.on(pool), in, out); });
    std::printf("| | %6zu | %9.3f | %6.3f | %12.3f |\n", n, t.first * 1e6, t.second * 1e6,
                t.first / t.second);
  }
}

std::vector<std::size_t> parse_sizes(const char* text) {
  std::vector<std::size_t> sizes;
  for (const char* p = text; *p;) {
    char* end = nullptr;
    sizes.push_back(std::strtoull(p, &end, 10));
    p = *end == ',' ? end + 1 : end;
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--threads" && i + 1 < argc)
      o.threads = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--repeats" && i + 1 < argc)
      o.repeats = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--sizes" && i + 1 < argc)
      o.sizes = parse_sizes(argv[++i]);
    else if (arg == "--overhead")
      o.overhead = true;
    else {
      std::fprintf(stderr, "usage: %s [--threads N] [--repeats R] [--sizes a,b,...] [--overhead]\n",
                   argv[0]);
      return 2;
    }
  }
  std::printf(
      "rectify %d.%d.%d, %s, %u hardware threads, parallel on %zu threads (%s), "
      "median of %zu rounds\n",
      RECTIFY_VERSION_MAJOR, RECTIFY_VERSION_MINOR, RECTIFY_VERSION_PATCH,
      rectify::default_arch::name(), std::thread::hardware_concurrency(), o.threads,
#if defined(_OPENMP)
      "openmp_executor",
#else
      "thread_pool",
#endif
      o.repeats);
  if (o.overhead) {
    overhead_table(o);
    return 0;
  }
#if defined(_OPENMP)
  scaling_table(o, rectify::par.on(rectify::openmp_executor(static_cast<int>(o.threads))));
#else
  rectify::thread_pool pool(o.threads);
  scaling_table(o, rectify::par.on(pool));
#endif
}
