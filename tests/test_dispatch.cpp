// The dispatch itself, in the dispatch build only: which instruction set it runs, that it
// chooses once even when threads race to the first call, and that an explicit instruction set
// still runs the kernel compiled into the caller.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <rectify/rectify.hpp>
#include "catch.hpp"
#include "kernel_list.hpp"
#include "values.hpp"

using namespace testing;

namespace {

// The instruction sets of the dispatch, in increasing order of preference.
#if defined(__x86_64__)
const std::vector<std::string> known = {"sse2", "avx2", "avx512"};
#else
const std::vector<std::string> known = {"neon"};
#endif

std::size_t rank_of(const std::string& isa) {
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i] == isa) return i;
  }
  return known.size();
}

// The best set this machine runs, found without the library: by the compiler's own CPU
// detection, which also reads XCR0 (libgcc and compiler-rt both do).
std::string best_on_this_machine() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") &&
                      __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  return avx512 ? "avx512" : avx2 ? "avx2" : "sse2";
#else
  return known.front();
#endif
}

std::string requested_isa() {
  const char* value = std::getenv("RECTIFY_ISA");
  std::string name = value == nullptr ? "" : value;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// RECTIFY_ISA caps the choice; more than the machine has, or a name the build does not know,
// gives the best it has.
std::string expected_isa() {
  const std::string best = best_on_this_machine(), requested = requested_isa();
  return rank_of(requested) < rank_of(best) ? requested : best;
}

// ctest runs this suite once per instruction set; on a machine without one, the run says so and
// ctest counts it as skipped instead of passing it a second time on a lesser set.
[[maybe_unused]] const bool reported_missing_isa = [] {
  const std::string requested = requested_isa();
  if (rank_of(requested) < known.size() && rank_of(requested) > rank_of(best_on_this_machine())) {
    std::fprintf(stderr, "RECTIFY_ISA=%s is not available on this machine\n", requested.c_str());
    return true;
  }
  return false;
}();

template <class T>
bool same_bits_all(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_bits(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("The dispatch runs the set RECTIFY_ISA names, or the best the machine has below it",
          "[dispatch]") {
  INFO("RECTIFY_ISA=" << requested_isa() << ", best on this machine " << best_on_this_machine());
  CHECK(std::string(rectify::active_isa()) == expected_isa());
}

TEST_CASE("The instruction set is chosen once, not per call", "[dispatch]") {
  const char* before = rectify::active_isa();
  const char* saved = std::getenv("RECTIFY_ISA");
  const std::string restore = saved == nullptr ? "" : saved;
  ::setenv("RECTIFY_ISA", rank_of(before) == 0 ? known.back().c_str() : known.front().c_str(), 1);
  const char* after = rectify::active_isa();
  if (saved == nullptr) {
    ::unsetenv("RECTIFY_ISA");
  } else {
    ::setenv("RECTIFY_ISA", restore.c_str(), 1);
  }
  CHECK(std::string(after) == std::string(before));
}

// Run alone (ctest's dispatch.first_use), so that these threads make the very first call.
TEST_CASE("Threads racing to the first call all run the one chosen set", "[.first_use]") {
  constexpr int kThreads = 8;
  const std::vector<float> x = mixed_values<float>(4099, 5);
  std::vector<std::vector<float>> y(kThreads, std::vector<float>(x.size()));
  std::vector<const char*> chosen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      rectify::relu_forward(x, y[static_cast<std::size_t>(t)]);
      chosen[static_cast<std::size_t>(t)] = rectify::active_isa();
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<float> expected(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) expected[i] = reference::relu_forward(x[i]);
  for (std::size_t t = 0; t < kThreads; ++t) {
    CHECK(chosen[t] == chosen[0]);
    CHECK(same_bits_all(y[t], expected));
  }
  CHECK(std::string(chosen[0]) == expected_isa());
}

// tests/test_parallel.cpp compares every executor in the header-only build; here, that the
// pieces of a parallel call, each a dispatched kernel call on part of the buffer, add up to the
// bits of the serial call, in every instruction set ctest runs this suite on.
TEMPLATE_TEST_CASE("rectify::par through the dispatch gives the bits of the serial call",
                   "[dispatch][parallel]", float, double) {
  using T = TestType;
  rectify::thread_pool pool(3);
  // A small grain: 9001 elements make dozens of pieces, cut at cache lines of the output.
  const auto par = rectify::par.on(pool).with_grain(64);
  const std::vector<T> x = mixed_values<T>(9001, 23), dy = mixed_values<T>(9001, 24);
  std::apply(
      [&](auto... kernel) {
        const auto check = [&](auto k) {
          using Kernel = decltype(k);
          const T slope = Kernel::slope == slope_kind::none ? T(0.01) : T(0.25);
          std::vector<T> serial(x.size()), parallel(x.size());
          Kernel::run(rectify::default_arch{}, std::span<const T>(x), std::span<const T>(dy),
                      std::span<T>(serial), slope);
          Kernel::run_with(rectify::default_arch{}, par, std::span<const T>(x),
                           std::span<const T>(dy), std::span<T>(parallel), slope);
          INFO(Kernel::name << " on " << rectify::active_isa());
          CHECK(same_bits_all(serial, parallel));
        };
        (check(kernel), ...);
      },
      elementwise_kernels{});

  // PReLU channels-first (runs longer than a piece) and channels-last, dw included.
  const std::vector<T> w = {T(0.25), T(-0.5), T(0)};
  for (std::size_t inner : {std::size_t(1000), std::size_t(1)}) {
    const std::size_t n = 3 * inner * (9000 / (3 * inner));
    const std::span<const T> xs(x.data(), n), dys(dy.data(), n);
    std::vector<T> serial(n), parallel(n), serial_dw(3), parallel_dw(3);
    INFO("prelu, inner = " << inner << ", on " << rectify::active_isa());
    rectify::prelu_forward(xs, serial, w, inner);
    rectify::prelu_forward(par, xs, parallel, w, inner);
    CHECK(same_bits_all(serial, parallel));
    rectify::prelu_backward(xs, dys, serial, w, serial_dw, inner);
    rectify::prelu_backward(par, xs, dys, parallel, w, parallel_dw, inner);
    CHECK(same_bits_all(serial, parallel));
    CHECK(same_bits_all(serial_dw, parallel_dw));
  }
}

namespace {

// What the kernels of the calls below are told: how many calls write a piece of the output, how
// many of those stream, and the longest piece.
struct store_log {
  std::atomic<std::size_t> pieces{0}, streaming{0}, elements{0}, longest{0};
};
store_log logged;

void log_piece(std::size_t n, rectify::store_kind stores) noexcept {
  logged.pieces += 1;
  logged.streaming += stores == rectify::store_kind::streaming ? 1 : 0;
  logged.elements += n;
  std::size_t longest = logged.longest.load();
  while (n > longest && !logged.longest.compare_exchange_weak(longest, n)) {
  }
}

void log_relu_forward(const float*, float*, std::size_t n, rectify::store_kind stores) noexcept {
  log_piece(n, stores);
}

void log_prelu_backward(const float*, const float*, float*, std::size_t n, const float*,
                        float* dw, std::size_t channels, std::size_t,
                        rectify::store_kind stores) noexcept {
  for (std::size_t c = 0; c < channels; ++c) dw[c] = 0;
  log_piece(n, stores);
}

// While alive, the dispatched float relu_forward and prelu_backward only log what they are told.
class logging_kernels {
 public:
  logging_kernels() {
    rectify::active_isa();  // the choice made, so that active_kernels holds the chosen set
    saved_ = rectify::dispatch::active_kernels.load();
    logging_ = *saved_;
    logging_.for_float.relu_forward = &log_relu_forward;
    logging_.for_float.prelu_backward = &log_prelu_backward;
    rectify::dispatch::active_kernels.store(&logging_);
  }
  ~logging_kernels() { rectify::dispatch::active_kernels.store(saved_); }
  logging_kernels(const logging_kernels&) = delete;
  logging_kernels& operator=(const logging_kernels&) = delete;

  static void clear() noexcept {
    logged.pieces = 0;
    logged.streaming = 0;
    logged.elements = 0;
    logged.longest = 0;
  }

 private:
  const rectify::dispatch::isa_kernels* saved_;
  rectify::dispatch::isa_kernels logging_;
};

}  // namespace

TEST_CASE("Every piece of a parallel call streams when the whole output is large enough",
          "[dispatch][parallel]") {
  // The shortest even output that reaches the streaming threshold (8M floats where it is 32 MiB),
  // or 1M floats if that is more. The logging kernels never touch it, so its pages are never
  // even mapped in.
  const std::size_t threshold = rectify::detail::streaming_threshold();
  const std::size_t shortest = (threshold + 2 * sizeof(float) - 1) / (2 * sizeof(float)) * 2;
  const std::size_t n = std::max(shortest, std::size_t(1) << 20);
  const auto x = std::make_unique_for_overwrite<float[]>(n);
  const auto y = std::make_unique_for_overwrite<float[]>(n);
  const std::span<const float> in(x.get(), n);
  const std::span<float> out(y.get(), n);
  rectify::thread_pool pool(2);
  const auto par = rectify::par.on(pool);
  const logging_kernels logging;

  logging_kernels::clear();
  rectify::relu_forward(par, in, out);
  CHECK(logged.pieces > 1);
  CHECK(logged.streaming == logged.pieces);
  CHECK(logged.elements == n);
  // Each piece on its own would have kept to the cache.
  CHECK(logged.longest * sizeof(float) < threshold);

  // In place, no piece streams.
  logging_kernels::clear();
  rectify::relu_forward(par, std::span<const float>(out), out);
  CHECK(logged.pieces > 1);
  CHECK(logged.streaming == 0);

  // The serial call: one piece, the whole output, streaming.
  logging_kernels::clear();
  rectify::relu_forward(in, out);
  CHECK(logged.pieces == 1);
  CHECK(logged.streaming == 1);

  // PReLU's backward, cut into the 16384-element blocks in which dw is summed.
  std::vector<float> w = {0.25f, -0.5f}, dw(2);
  logging_kernels::clear();
  rectify::prelu_backward(par, in, in, out, w, dw, n / 2);
  CHECK(logged.pieces > 1);
  CHECK(logged.streaming == logged.pieces);
  CHECK(logged.elements == n);
}

#if defined(__x86_64__)
TEMPLATE_TEST_CASE("An explicit xsimd::sse2 call gives the bits of the dispatched call",
                   "[dispatch]", float, double) {
  using T = TestType;
  const std::vector<T> x = mixed_values<T>(1003, 21), dy = mixed_values<T>(1003, 22);
  std::apply(
      [&](auto... kernel) {
        const auto check = [&](auto k) {
          using Kernel = decltype(k);
          const T slope = Kernel::slope == slope_kind::none ? T(0.01) : T(0.25);
          std::vector<T> dispatched(x.size()), explicit_sse2(x.size());
          Kernel::run(rectify::default_arch{}, std::span<const T>(x), std::span<const T>(dy),
                      std::span<T>(dispatched), slope);
          Kernel::run(xsimd::sse2{}, std::span<const T>(x), std::span<const T>(dy),
                      std::span<T>(explicit_sse2), slope);
          INFO(Kernel::name);
          CHECK(same_bits_all(dispatched, explicit_sse2));
        };
        (check(kernel), ...);
      },
      elementwise_kernels{});

  const std::vector<T> w = {T(0.25), T(-0.5), T(0)};
  std::vector<T> dispatched(x.size() - 1), explicit_sse2(x.size() - 1), dw1(3), dw2(3);
  const std::span<const T> x1(x.data(), x.size() - 1), dy1(dy.data(), dy.size() - 1);
  rectify::prelu_forward(x1, dispatched, w, 2);
  rectify::prelu_forward<xsimd::sse2>(x1, explicit_sse2, w, 2);
  CHECK(same_bits_all(dispatched, explicit_sse2));
  rectify::prelu_backward(x1, dy1, dispatched, w, dw1);
  rectify::prelu_backward<xsimd::sse2>(x1, dy1, explicit_sse2, w, dw2);
  CHECK(same_bits_all(dispatched, explicit_sse2));
}
#endif
