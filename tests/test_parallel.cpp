// Parallel execution. Every op, run with an execution policy on 1, 2, 3 and 7 threads (a
// rectify::thread_pool, and OpenMP when compiled in) and on an executor that cuts the work into
// random ranges run in random order, writes the very bits the serial call writes: every output
// element, PReLU's dw included, and every byte around the outputs. Bad input is refused with the
// serial call's message before the executor is asked to run anything. Calls below twice the
// grain stay on the calling thread.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <rectify/rectify.hpp>
#include "arches.hpp"
#include "catch.hpp"
#include "executors.hpp"
#include "kernel_list.hpp"
#include "kernel_tester.hpp"
#include "values.hpp"

using namespace testing;

namespace {

enum class executors { all, few };

// Calls f(description, policy) for every executor and thread count the tests compare (or, for
// `few`, the most threads and one shuffled split), each policy with the given grain.
template <class F>
void for_each_parallel_policy(std::size_t grain, executors which, F&& f) {
  if (which == executors::few) {
    f("thread_pool(7)", rectify::par.on(pool_of(7)).with_grain(grain));
    shuffling_executor shuffled(3);
    f("shuffling_executor(3)", rectify::par.on(shuffled).with_grain(grain));
    return;
  }
  for (std::size_t threads : kThreadCounts) {
    f("thread_pool(" + std::to_string(threads) + ")",
      rectify::par.on(pool_of(threads)).with_grain(grain));
  }
#if defined(_OPENMP)
  for (std::size_t threads : kThreadCounts) {
    f("openmp_executor(" + std::to_string(threads) + ")",
      rectify::par.on(rectify::openmp_executor(static_cast<int>(threads))).with_grain(grain));
  }
#endif
  f("shared_thread_pool", rectify::par.on(rectify::shared_thread_pool{}).with_grain(grain));
  f("par", rectify::par.with_grain(grain));
  for (std::uint32_t seed : {1u, 2u}) {
    shuffling_executor shuffled(seed);
    f("shuffling_executor(" + std::to_string(seed) + ")",
      rectify::par.on(shuffled).with_grain(grain));
  }
}

// One buffer with sentinels on both sides, `offset` elements into its storage.
template <class T>
struct guarded {
  static constexpr std::size_t kGuard = 32;
  std::vector<T> storage;
  std::size_t offset;
  std::size_t size;
  guarded(std::size_t offset_, std::size_t size_, T fill)
      : storage(size_ + offset_ + 2 * kGuard, fill), offset(offset_), size(size_) {}
  std::span<T> span() { return {storage.data() + kGuard + offset, size}; }
};

template <class T>
T sentinel() {
  if constexpr (sizeof(T) == 4) {
    return from_bits<T>(0x7fa5a5a5u);
  } else {
    return from_bits<T>(0x7ff5a5a5a5a5a5a5ull);
  }
}

// The first element of two storages whose bits differ, or "".
template <class T>
std::string first_difference(const std::vector<T>& serial, const std::vector<T>& parallel,
                             const std::string& what) {
  for (std::size_t j = 0; j < serial.size(); ++j) {
    if (!same_bits(serial[j], parallel[j])) {
      return what + ": storage element " + std::to_string(j) + " is " + describe(parallel[j]) +
             ", the serial call gave " + describe(serial[j]);
    }
  }
  return {};
}

// The buffers of one elementwise call: two inputs and an output (which may be one of the
// inputs), each offset within its storage, filled from `pool`.
template <class T>
struct elementwise_buffers {
  guarded<T> a, b, out;
  elementwise_buffers(const std::vector<T>& pool, std::size_t n, std::size_t output_offset)
      : a(1, n, sentinel<T>()), b(2, n, sentinel<T>()), out(output_offset, n, sentinel<T>()) {
    std::copy(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(n), a.span().begin());
    std::copy(pool.end() - static_cast<std::ptrdiff_t>(n), pool.end(), b.span().begin());
  }
  std::span<T> output(in_place mode) {
    return mode == in_place::over_first_input    ? a.span()
           : mode == in_place::over_second_input ? b.span()
                                                 : out.span();
  }
};

struct tally {
  std::size_t calls = 0;
  std::string first_failure;
  void record(const std::string& failure) {
    ++calls;
    if (!failure.empty() && first_failure.empty()) first_failure = failure;
  }
};

template <class T, class Kernel, class Arch, class Policy>
std::string compare_elementwise(Kernel, Arch, const std::string& executor, Policy policy,
                                const std::vector<T>& pool, std::size_t n,
                                std::size_t output_offset, in_place mode, T slope) {
  elementwise_buffers<T> serial(pool, n, output_offset), parallel(pool, n, output_offset);
  Kernel::run(Arch{}, std::span<const T>(serial.a.span()), std::span<const T>(serial.b.span()),
              serial.output(mode), slope);
  Kernel::run_with(Arch{}, policy, std::span<const T>(parallel.a.span()),
                   std::span<const T>(parallel.b.span()), parallel.output(mode), slope);
  std::ostringstream where;
  where << Kernel::name << "<" << Arch::name() << ", " << (sizeof(T) == 4 ? "float" : "double")
        << "> on " << executor << ", n=" << n << " output_offset=" << output_offset
        << " inplace=" << static_cast<int>(mode) << " slope=" << describe(slope);
  for (auto [s, p, name] : {std::tuple{&serial.a, &parallel.a, "first input"},
                            std::tuple{&serial.b, &parallel.b, "second input"},
                            std::tuple{&serial.out, &parallel.out, "output"}}) {
    const std::string difference = first_difference(s->storage, p->storage, name);
    if (!difference.empty()) return where.str() + ", " + difference;
  }
  return {};
}

template <class T>
T slope_for(slope_kind kind) {
  return kind == slope_kind::any ? T(-0.5) : T(0.25);
}

template <class T, class Kernel>
void compare_elementwise_everywhere(Kernel kernel) {
  const std::vector<T> pool = mixed_values<T>(2 * 300000, 20261128);
  // How the work is cut does not depend on the instruction set: every executor on the first
  // (widest) one, a few on the others, as for PReLU.
  executors which = executors::all;
  for_each_arch([&](auto arch) {
    tally result;
    std::vector<in_place> modes = {in_place::no, in_place::over_first_input};
    if (Kernel::inputs == 2) modes.push_back(in_place::over_second_input);
    // A small grain makes a few thousand elements split into many cache-line units.
    for_each_parallel_policy(
        64, std::exchange(which, executors::few), [&](const std::string& executor, auto policy) {
          for (std::size_t n : {0u, 1u, 1000u, 4099u, 9001u}) {
            for (std::size_t output_offset : {0u, 3u}) {
              for (in_place mode : modes) {
                result.record(compare_elementwise(kernel, arch, executor, policy, pool, n,
                                                  output_offset, mode,
                                                  slope_for<T>(Kernel::slope)));
              }
            }
          }
        });
    // The default grain, on a buffer large enough to be split with it.
    for (std::size_t threads : kThreadCounts) {
      result.record(compare_elementwise(kernel, arch, "the default grain",
                                        rectify::par.on(pool_of(threads)), pool, 300000, 5,
                                        in_place::no, slope_for<T>(Kernel::slope)));
    }
    INFO(Kernel::name << "<" << decltype(arch)::name() << ", "
                      << (sizeof(T) == 4 ? "float" : "double") << ">: " << result.calls
                      << " parallel calls compared with serial ones");
    CHECK(result.first_failure == "");
  });
}

template <class Kernel>
void compare_elementwise_everywhere(Kernel kernel) {
  compare_elementwise_everywhere<float>(kernel);
  compare_elementwise_everywhere<double>(kernel);
}

// PReLU: forward, derivative and backward (dx and dw) of one layout, serial against parallel.
struct layout {
  std::size_t channels, inner, outer;
};

template <class T>
std::vector<T> weights(std::size_t channels) {
  std::vector<T> w(channels);
  const T pattern[] = {T(0.25), T(-0.5), T(0), T(-0.0), T(1), T(0.01), T(3)};
  for (std::size_t c = 0; c < channels; ++c) w[c] = pattern[c % 7] + T(c / 7) * T(0.125);
  return w;
}

template <class T, class Arch, class Policy>
std::string compare_prelu(Arch, const std::string& executor, Policy policy,
                          const std::vector<T>& pool, layout l, std::size_t output_offset,
                          in_place mode) {
  const std::size_t n = l.channels * l.inner * l.outer;
  const std::vector<T> w = weights<T>(l.channels);
  std::ostringstream where;
  where << "prelu <" << Arch::name() << ", " << (sizeof(T) == 4 ? "float" : "double") << "> on "
        << executor << ", C=" << l.channels << " inner=" << l.inner << " outer=" << l.outer
        << " output_offset=" << output_offset << " inplace=" << static_cast<int>(mode);
  struct run {
    elementwise_buffers<T> buffers;
    guarded<T> dw;
    run(const std::vector<T>& pool_, std::size_t n_, std::size_t offset_, std::size_t channels)
        : buffers(pool_, n_, offset_), dw(0, channels, sentinel<T>()) {}
  };
  auto difference = [&](run& s, run& p, const char* op) -> std::string {
    for (auto [a, b, name] :
         {std::tuple{&s.buffers.a, &p.buffers.a, "x"}, std::tuple{&s.buffers.b, &p.buffers.b, "dy"},
          std::tuple{&s.buffers.out, &p.buffers.out, "output"}, std::tuple{&s.dw, &p.dw, "dw"}}) {
      const std::string d = first_difference(a->storage, b->storage, name);
      if (!d.empty()) return where.str() + " " + op + ", " + d;
    }
    return {};
  };
  if (mode != in_place::over_second_input) {
    run s(pool, n, output_offset, l.channels), p(pool, n, output_offset, l.channels);
    rectify::prelu_forward<Arch>(std::span<const T>(s.buffers.a.span()), s.buffers.output(mode), w,
                                 l.inner);
    rectify::prelu_forward<Arch>(policy, std::span<const T>(p.buffers.a.span()),
                                 p.buffers.output(mode), w, l.inner);
    if (auto d = difference(s, p, "forward"); !d.empty()) return d;
    run s2(pool, n, output_offset, l.channels), p2(pool, n, output_offset, l.channels);
    rectify::prelu_derivative<Arch>(std::span<const T>(s2.buffers.a.span()),
                                    s2.buffers.output(mode), w, l.inner);
    rectify::prelu_derivative<Arch>(policy, std::span<const T>(p2.buffers.a.span()),
                                    p2.buffers.output(mode), w, l.inner);
    if (auto d = difference(s2, p2, "derivative"); !d.empty()) return d;
  }
  run s(pool, n, output_offset, l.channels), p(pool, n, output_offset, l.channels);
  rectify::prelu_backward<Arch>(std::span<const T>(s.buffers.a.span()),
                                std::span<const T>(s.buffers.b.span()), s.buffers.output(mode), w,
                                s.dw.span(), l.inner);
  rectify::prelu_backward<Arch>(policy, std::span<const T>(p.buffers.a.span()),
                                std::span<const T>(p.buffers.b.span()), p.buffers.output(mode), w,
                                p.dw.span(), l.inner);
  return difference(s, p, "backward");
}

// Layouts that reach each way the work is cut: one shared slope over many dw pieces; channels-
// first runs shorter than a piece, longer than one, and too short to run in parallel;
// channels-last rows repeated to 128 elements, rows of C, rows wider than a column strip; outer
// slices cut in the middle of a run.
constexpr layout kLayouts[] = {{1, 1, 40001}, {1, 7, 5000},  {3, 64, 200}, {5, 33, 101},
                               {2, 20000, 2}, {1, 35000, 1}, {4, 9, 1500}, {3, 1, 12000},
                               {64, 1, 700},  {130, 1, 300}, {600, 1, 50}, {7, 1000, 3},
                               {200, 32, 4},  {1, 3, 1}};

// Finite values make every dw a finite sum whose bits show the order of its additions; the mixed
// values bring NaN, infinities and signed zeros through every path.
template <class T>
void compare_prelu_everywhere() {
  const std::vector<T> finite = finite_values<T>(2 * 40064, 20261129);
  const std::vector<T> mixed = mixed_values<T>(2 * 40064, 20261130);
  // How the work is cut does not depend on the instruction set: every executor on the first
  // (widest) one, a few on the others.
  executors which = executors::all;
  for_each_arch([&](auto arch) {
    tally result;
    for_each_parallel_policy(
        64, std::exchange(which, executors::few), [&](const std::string& executor, auto policy) {
          for (const layout& l : kLayouts) {
            for (const auto& [output_offset, pool] :
                 {std::pair{std::size_t(0), &finite}, std::pair{std::size_t(5), &mixed}}) {
              for (in_place mode :
                   {in_place::no, in_place::over_first_input, in_place::over_second_input}) {
                result.record(
                    compare_prelu<T>(arch, executor, policy, *pool, l, output_offset, mode));
              }
            }
          }
        });
    INFO("prelu <" << decltype(arch)::name() << ", " << (sizeof(T) == 4 ? "float" : "double")
                   << ">: " << result.calls << " layouts compared (forward, derivative, backward)");
    CHECK(result.first_failure == "");
  });
}

}  // namespace

TEST_CASE("Every elementwise op gives the serial bits on any executor and thread count",
          "[parallel]") {
  std::apply([](auto... kernel) { (compare_elementwise_everywhere(kernel), ...); },
             elementwise_kernels{});
}

TEST_CASE("PReLU forward, derivative, backward and dw give the serial bits on any executor",
          "[parallel][prelu]") {
  compare_prelu_everywhere<float>();
  compare_prelu_everywhere<double>();
}

TEST_CASE("PReLU's dw has the same bits for 1, 2, 3 and 7 threads with the default grain",
          "[parallel][prelu]") {
  // Large enough for the default grain to split it: NCHW, channels-last and one shared slope.
  const std::vector<float> pool = finite_values<float>(2 * 786432, 7);
  const layout layouts[] = {{64, 3136, 3}, {96, 1, 8192}, {1, 786432, 1}};
  for (const layout& l : layouts) {
    const std::size_t n = l.channels * l.inner * l.outer;
    const std::vector<float> x(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(n));
    const std::vector<float> dy(pool.end() - static_cast<std::ptrdiff_t>(n), pool.end());
    const std::vector<float> w = weights<float>(l.channels);
    std::vector<float> serial_dx(n), serial_dw(l.channels);
    rectify::prelu_backward(x, dy, serial_dx, w, serial_dw, l.inner);
    // Finite sums, so that equal bits mean the same additions in the same order.
    REQUIRE(
        std::all_of(serial_dw.begin(), serial_dw.end(), [](float v) { return std::isfinite(v); }));
    for (std::size_t threads : kThreadCounts) {
      std::vector<float> dx(n), dw(l.channels);
      rectify::prelu_backward(rectify::par.on(pool_of(threads)), x, dy, dx, w, dw, l.inner);
      INFO("C=" << l.channels << " inner=" << l.inner << " outer=" << l.outer << ", " << threads
                << " threads");
      CHECK(first_difference(serial_dw, dw, "dw") == "");
      CHECK(first_difference(serial_dx, dx, "dx") == "");
    }
  }
}

TEST_CASE("Bad input is refused before the executor runs anything, as in serial", "[parallel]") {
  counting_executor spy;
  const auto par = rectify::par.on(spy).with_grain(1);
  // Runs the serial and the parallel call, both of which must throw std::invalid_argument with
  // the same message, leave every output byte alone and never reach the executor.
  auto refuses_like_serial = [&](auto serial_call, auto parallel_call,
                                 std::vector<std::vector<float>*> outputs) {
    std::vector<std::vector<float>> before;
    for (auto* o : outputs) before.push_back(*o);
    auto message_of = [](auto call) {
      try {
        call();
      } catch (const std::invalid_argument& e) {
        return std::string(e.what());
      }
      return std::string();
    };
    const std::string serial_message = message_of(serial_call);
    const std::string parallel_message = message_of(parallel_call);
    INFO("serial: " << serial_message << "\nparallel: " << parallel_message);
    REQUIRE(!serial_message.empty());
    CHECK(parallel_message == serial_message);
    CHECK(spy.calls == 0);
    for (std::size_t k = 0; k < outputs.size(); ++k) {
      CHECK(first_difference(before[k], *outputs[k], "output") == "");
    }
  };
  std::vector<float> x(4096, -1.0f), y(4095, 42.0f), dy(4096, 1.0f), dx(4097, 42.0f);
  std::vector<float> buffer(8192, -1.0f);
  std::span<float> all(buffer);
  std::vector<float> w3(3, 0.25f), w5(5, 0.25f), none, dw3(3, 42.0f), dw2(2, 42.0f);
  std::vector<float> x12(12288, -1.0f), y12(12288, 42.0f), dy12(12288, 1.0f), dx12(12288, 42.0f);

  SECTION("sizes that differ") {
    refuses_like_serial([&] { rectify::relu_forward(x, y); },
                        [&] { rectify::relu_forward(par, x, y); }, {&y});
    refuses_like_serial([&] { rectify::relu6_derivative(x, y); },
                        [&] { rectify::relu6_derivative(par, x, y); }, {&y});
    refuses_like_serial([&] { rectify::leaky_relu_forward(x, y, 0.5f); },
                        [&] { rectify::leaky_relu_forward(par, x, y, 0.5f); }, {&y});
    refuses_like_serial([&] { rectify::relu_backward(x, dy, dx); },
                        [&] { rectify::relu_backward(par, x, dy, dx); }, {&dx});
    refuses_like_serial([&] { rectify::relu6_backward_from_output(x, y, dy); },
                        [&] { rectify::relu6_backward_from_output(par, x, y, dy); }, {&dy});
    refuses_like_serial([&] { rectify::leaky_relu_backward(x, dy, dx); },
                        [&] { rectify::leaky_relu_backward(par, x, dy, dx); }, {&dx});
  }
  SECTION("an output partly overlapping an input") {
    refuses_like_serial([&] { rectify::relu_forward(all.first(4096), all.subspan(1, 4096)); },
                        [&] { rectify::relu_forward(par, all.first(4096), all.subspan(1, 4096)); },
                        {&buffer});
    refuses_like_serial(
        [&] { rectify::relu_backward(all.first(4096), all.last(4096), all.subspan(2, 4096)); },
        [&] { rectify::relu_backward(par, all.first(4096), all.last(4096), all.subspan(2, 4096)); },
        {&buffer});
  }
  SECTION("a negative slope for LeakyReLU's backward from the output") {
    refuses_like_serial(
        [&] { rectify::leaky_relu_backward_from_output(x, dy, all.first(4096), -0.5f); },
        [&] { rectify::leaky_relu_backward_from_output(par, x, dy, all.first(4096), -0.5f); },
        {&buffer});
  }
  SECTION("PReLU layouts") {
    refuses_like_serial([&] { rectify::prelu_forward(x12, y12, none); },
                        [&] { rectify::prelu_forward(par, x12, y12, none); }, {&y12});
    refuses_like_serial([&] { rectify::prelu_derivative(x12, y12, w3, 0); },
                        [&] { rectify::prelu_derivative(par, x12, y12, w3, 0); }, {&y12});
    refuses_like_serial([&] { rectify::prelu_forward(x12, y12, w5); },
                        [&] { rectify::prelu_forward(par, x12, y12, w5); }, {&y12});
    refuses_like_serial([&] { rectify::prelu_backward(x12, dy12, dx12, w3, dw2); },
                        [&] { rectify::prelu_backward(par, x12, dy12, dx12, w3, dw2); },
                        {&dx12, &dw2});
    std::span<float> dx_head(dx12.data(), 3);
    refuses_like_serial([&] { rectify::prelu_backward(x12, dy12, dx12, w3, dx_head); },
                        [&] { rectify::prelu_backward(par, x12, dy12, dx12, w3, dx_head); },
                        {&dx12});
    refuses_like_serial([&] { rectify::prelu_forward(x12, y12, w3, 5); },
                        [&] { rectify::prelu_forward(par, x12, y12, w3, 5); }, {&y12});
  }
  // The same executor does run a valid call of this size.
  rectify::relu_forward(par, x, dy);
  CHECK(spy.calls == 1);
}

TEST_CASE("Calls on fewer than twice the grain stay on the calling thread", "[parallel]") {
  counting_executor spy;
  const std::size_t grain = rectify::default_grain;
  std::vector<float> x(2 * grain), y(2 * grain), w(1, 0.25f), dw(1);
  std::span<const float> in(x);
  std::span<float> out(y);
  rectify::relu_forward(rectify::par.on(spy), in.first(2 * grain - 1), out.first(2 * grain - 1));
  rectify::prelu_backward(rectify::par.on(spy), in.first(2 * grain - 1), in.first(2 * grain - 1),
                          out.first(2 * grain - 1), w, dw);
  CHECK(spy.calls == 0);
  rectify::relu_forward(rectify::par.on(spy), x, y);
  CHECK(spy.calls == 1);
  rectify::relu_forward(rectify::par.on(spy).with_grain(10), in.first(19), out.first(19));
  CHECK(spy.calls == 1);
  rectify::relu_forward(rectify::par.on(spy).with_grain(10), in.first(20), out.first(20));
  CHECK(spy.calls == 2);
  rectify::relu_forward(rectify::seq, x, y);
  CHECK(spy.calls == 2);
}

TEST_CASE("Elementwise work is cut at cache-line boundaries of the output", "[parallel]") {
  // The ranges an executor runs start where the output reaches a 64-byte boundary, whatever the
  // output's own alignment, so no two threads write one cache line.
  alignas(64) static float storage[3 * 4096 + 64];
  for (std::size_t misalignment = 0; misalignment < 16; ++misalignment) {
    for (std::size_t n :
         {std::size_t(0), std::size_t(7), std::size_t(1024), std::size_t(3 * 4096)}) {
      const float* out = storage + misalignment;
      const rectify::detail::cache_line_units<float> units(out, n);
      INFO("misalignment " << misalignment << " floats, n = " << n);
      CHECK(units.start(0) == 0);
      CHECK(units.start(units.count()) == n);
      for (std::size_t k = 1; k < units.count(); ++k) {
        CHECK(units.start(k) > units.start(k - 1));
        CHECK(reinterpret_cast<std::uintptr_t>(out + units.start(k)) % 64 == 0);
      }
    }
  }
}

TEST_CASE("Streaming stores are chosen from the whole call's output, not from a piece of it",
          "[parallel]") {
  // The policy overloads ask once, for the whole output, and hand the answer to every piece
  // (tests/test_dispatch.cpp watches the pieces receive it); a piece asking for itself would
  // keep to the cache the output of a call too large for it.
  using rectify::store_kind;
  using rectify::detail::choose_stores;
  const std::size_t threshold = rectify::detail::streaming_threshold();
  // The shortest output that reaches the threshold. No memory of that size is needed: the choice
  // looks at the addresses and the size only.
  const std::size_t whole = (threshold + sizeof(float) - 1) / sizeof(float);
  float x[1], dy[1], out[1];
  CHECK(choose_stores(out, whole, x) == store_kind::streaming);
  CHECK(choose_stores(out, whole, x, dy) == store_kind::streaming);
  // In place, the output's lines are in the cache already, read by the loop itself.
  CHECK(choose_stores(x, whole, x) == store_kind::cached);
  CHECK(choose_stores(dy, whole, x, dy) == store_kind::cached);
  if (threshold >= 8 * sizeof(float)) {  // not with RECTIFY_STREAMING_THRESHOLD set to a few bytes
    CHECK(choose_stores(out, whole - 1, x) == store_kind::cached);
    // One of the eight pieces 2 threads cut it into.
    CHECK(choose_stores(out, whole / 8, x) == store_kind::cached);
  }
}

TEST_CASE("rectify::seq and policy overloads of every kind compile and agree", "[parallel]") {
  std::vector<double> x = {-2, -1, 0, 1, 2, 7}, y(6), z(6);
  rectify::relu6_forward(rectify::seq, x, y);
  rectify::relu6_forward(x, z);
  CHECK(y == z);
  const auto by_value = rectify::par.on(rectify::inline_executor{});
  rectify::relu6_forward(by_value, x, y);
  CHECK(y == z);
  // An instruction set named explicitly: the narrowest the tests run (SSE2 on x86, NEON on Arm).
  using narrowest = std::tuple_element_t<std::tuple_size_v<arches> - 1, arches>;
  rectify::relu6_forward<narrowest>(rectify::par, x, y);
  CHECK(y == z);
}
