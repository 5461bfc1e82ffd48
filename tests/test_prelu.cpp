// PReLU over its layouts: channels-last (inner = 1) and channels-first (inner > 1), one shared
// slope and many, channel counts below, at and above the vector width, with offsets, in place,
// against the scalar reference bit for bit; dw against a long double sum within SEMANTICS.md's
// bound.

#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <rectify/rectify.hpp>
#include "arches.hpp"
#include "catch.hpp"
#include "reference.hpp"
#include "values.hpp"

using namespace testing;

namespace {

constexpr std::size_t kGuard = 32;

template <class T>
T sentinel() {
  if constexpr (sizeof(T) == 4) {
    return from_bits<T>(0x7fa5a5a5u);
  } else {
    return from_bits<T>(0x7ff5a5a5a5a5a5a5ull);
  }
}

// A buffer with sentinels on both sides of its `size` elements, which start `offset` elements in.
template <class T>
struct guarded {
  std::vector<T> storage;
  std::size_t offset;
  std::size_t size;
  guarded(std::size_t offset_, std::size_t size_)
      : storage(size_ + offset_ + 2 * kGuard, sentinel<T>()), offset(offset_), size(size_) {}
  std::span<T> span() { return {storage.data() + kGuard + offset, size}; }
  bool guards_intact() const {
    for (std::size_t j = 0; j < storage.size(); ++j) {
      const bool inside = j >= kGuard + offset && j < kGuard + offset + size;
      if (!inside && !same_bits(storage[j], sentinel<T>())) return false;
    }
    return true;
  }
};

struct layout {
  std::size_t channels, inner, outer;
};

template <class T>
std::vector<T> weights(std::size_t channels) {
  std::vector<T> w(channels);
  for (std::size_t c = 0; c < channels; ++c) {
    // Slopes of both signs, zero, -0 and 1 among them.
    const T pattern[] = {T(0.25), T(-0.5), T(0), T(-0.0), T(1), T(0.01), T(3)};
    w[c] = pattern[c % 7] + T(c / 7) * T(0.125);
  }
  return w;
}

// The element-wise results and the dw bound of one PReLU call for one arch, or a failure text.
template <class Arch, class T>
std::string check_call(layout l, std::size_t in_offset, std::size_t out_offset, int inplace,
                       const std::vector<T>& pool) {
  const std::size_t n = l.channels * l.inner * l.outer;
  const std::vector<T> w = weights<T>(l.channels);
  std::vector<T> x0(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<T> dy0(pool.end() - static_cast<std::ptrdiff_t>(n), pool.end());
  std::ostringstream where;
  where << arch_name<Arch>() << (sizeof(T) == 4 ? " float" : " double") << " C=" << l.channels
        << " inner=" << l.inner << " outer=" << l.outer << " offsets " << in_offset << "/"
        << out_offset << " inplace=" << inplace << ": ";

  guarded<T> x(in_offset, n), dy(in_offset, n), out(out_offset, n), dw(0, l.channels);
  std::copy(x0.begin(), x0.end(), x.span().begin());
  std::copy(dy0.begin(), dy0.end(), dy.span().begin());
  std::span<T> y = inplace == 1 ? x.span() : inplace == 2 ? dy.span() : out.span();
  const auto slope = [&](std::size_t i) {
    return reference::prelu_slope(std::span<const T>(w), l.inner, i);
  };

  // forward (in place means over x; "over dy" is a backward-only mode)
  if (inplace != 2) {
    rectify::prelu_forward<Arch>(std::span<const T>(x.span()), y, w, l.inner);
    for (std::size_t i = 0; i < n; ++i) {
      const T want = reference::leaky_relu_forward(x0[i], slope(i));
      if (!same_bits(y[i], want))
        return where.str() + "forward element " + std::to_string(i) + " gave " + describe(y[i]) +
               ", expected " + describe(want);
    }
    std::copy(x0.begin(), x0.end(), x.span().begin());
    rectify::prelu_derivative<Arch>(std::span<const T>(x.span()), y, w, l.inner);
    for (std::size_t i = 0; i < n; ++i) {
      const T want = reference::leaky_relu_derivative(x0[i], slope(i));
      if (!same_bits(y[i], want))
        return where.str() + "derivative element " + std::to_string(i) + " gave " + describe(y[i]) +
               ", expected " + describe(want);
    }
    std::copy(x0.begin(), x0.end(), x.span().begin());
  }

  rectify::prelu_backward<Arch>(std::span<const T>(x.span()), std::span<const T>(dy.span()), y, w,
                                dw.span(), l.inner);
  for (std::size_t i = 0; i < n; ++i) {
    const T want = reference::leaky_relu_backward(x0[i], dy0[i], slope(i));
    if (!same_bits(y[i], want))
      return where.str() + "backward element " + std::to_string(i) + " gave " + describe(y[i]) +
             ", expected " + describe(want);
  }
  std::vector<long double> exact(l.channels), magnitude(l.channels);
  std::vector<std::size_t> terms(l.channels);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = (i / l.inner) % l.channels;
    const long double term =
        x0[i] > 0 ? 0.0L : static_cast<long double>(x0[i]) * static_cast<long double>(dy0[i]);
    exact[c] += term;
    magnitude[c] += std::fabs(term);
    ++terms[c];
  }
  for (std::size_t c = 0; c < l.channels; ++c) {
    const T got = dw.span()[c];
    const auto m = static_cast<long double>(terms[c]);
    const long double bound = m * std::numeric_limits<T>::epsilon() * magnitude[c] +
                              m * std::numeric_limits<T>::denorm_min();
    const bool ok = std::isnan(exact[c])
                        ? std::isnan(got)
                        : std::fabs(static_cast<long double>(got) - exact[c]) <= bound;
    if (!ok) {
      std::ostringstream s;
      s << where.str() << "dw[" << c << "] = " << describe(got) << ", exact "
        << static_cast<double>(exact[c]) << ", bound " << static_cast<double>(bound);
      return s.str();
    }
  }
  if (!x.guards_intact() || !dy.guards_intact() || !out.guards_intact() || !dw.guards_intact())
    return where.str() + "a sentinel outside the outputs changed";
  return {};
}

template <class T>
void sweep_layouts() {
  const std::vector<T> pool = finite_values<T>(2 * 40000 + 64, 7);
  const layout layouts[] = {
      {1, 1, 0},  {1, 1, 1},   {1, 1, 37},  {3, 1, 1},  {3, 1, 50},  {64, 1, 5},  {67, 1, 4},
      {200, 1, 3}, {1, 7, 3},  {3, 7, 5},   {64, 7, 2}, {67, 2, 3},  {3, 64, 2},  {64, 64, 1},
      {67, 33, 2}, {3, 100, 0}, {2, 1000, 1},
      // Past the blocks prelu_backward sums dw in: a shared slope over several pieces, runs
      // longer than a piece, channels-last over several blocks (repeated rows, rows of C, rows
      // wider than a column strip).
      {1, 1, 40000}, {1, 3, 11000}, {2, 20000, 1}, {3, 1, 6000}, {130, 1, 150}, {600, 1, 40}};
  for_each_arch([&](auto arch) {
    using Arch = decltype(arch);
    constexpr std::size_t lanes = lanes_of<T, Arch>;
    std::string first_failure;
    std::size_t calls = 0;
    for (const layout& l : layouts) {
      for (std::size_t in_offset : {std::size_t(0), std::size_t(1), lanes - 1}) {
        for (std::size_t out_offset : {std::size_t(0), lanes / 2 + 1}) {
          for (int inplace : {0, 1, 2}) {
            ++calls;
            const std::string failure =
                check_call<Arch, T>(l, in_offset, out_offset, inplace, pool);
            if (!failure.empty() && first_failure.empty()) first_failure = failure;
          }
        }
      }
    }
    INFO(arch_name<Arch>() << (sizeof(T) == 4 ? " float: " : " double: ") << calls << " calls");
    CHECK(first_failure == "");
  });
}

}  // namespace

TEST_CASE("PReLU matches the reference over channels-last and channels-first layouts, float",
          "[prelu]") {
  sweep_layouts<float>();
}
TEST_CASE("PReLU matches the reference over channels-last and channels-first layouts, double",
          "[prelu]") {
  sweep_layouts<double>();
}

TEMPLATE_TEST_CASE("PReLU: a NaN in a channel makes that channel's dw NaN, the others stay finite",
                   "[prelu]", float, double) {
  using T = TestType;
  for (std::size_t inner : {std::size_t(1), std::size_t(9)}) {
    const std::size_t channels = 3, n = channels * inner * 40;
    std::vector<T> x(n, T(-1)), dy(n, T(2)), dx(n), w = {T(0.25), T(0.5), T(0.75)}, dw(channels);
    // Two NaNs with different signs and payloads in channel 1, so that two NaNs meet in its sum.
    x[(1 * inner) + channels * inner * 17] = nans<T>()[3];
    x[(1 * inner) + channels * inner * 23] = nans<T>()[2];
    rectify::prelu_backward(x, dy, dx, w, dw, inner);
    CHECK(std::isfinite(dw[0]));
    CHECK(std::isnan(dw[1]));
    // Always the one quiet NaN, whichever NaNs met in the sum.
    CHECK(same_bits(dw[1], std::numeric_limits<T>::quiet_NaN()));
    CHECK(std::isfinite(dw[2]));
    CHECK(dw[0] == T(-80) * T(inner));  // 40 * inner terms of -1 * 2: exact in any order
  }
}

TEMPLATE_TEST_CASE("PReLU: forward passes x and backward passes dy with their bits where x > 0",
                   "[prelu]", float, double) {
  using T = TestType;
  const T snan = nans<T>()[4], tiny = std::numeric_limits<T>::denorm_min();
  for_each_arch([&](auto arch) {
    using Arch = decltype(arch);
    constexpr std::size_t lanes = lanes_of<T, Arch>;
    // Channels-last below and above the repeated-pattern width, and channels-first; each with
    // an unrolled body, a one-vector step and a tail.
    for (const layout l :
         {layout{3, 1, 3 * lanes + 1}, layout{130, 1, 2}, layout{2, 4 * lanes + lanes + 3, 2}}) {
      const std::size_t n = l.channels * l.inner * l.outer;
      const std::vector<T> x(n, T(2)), dy(n, snan), w = weights<T>(l.channels);
      std::vector<T> dx(n), dw(l.channels);
      rectify::prelu_backward<Arch>(x, dy, dx, w, dw, l.inner);
      const std::vector<T> tiny_x(n, tiny);
      std::vector<T> y(n);
      rectify::prelu_forward<Arch>(tiny_x, y, w, l.inner);
      for (std::size_t i = 0; i < n; ++i) {
        INFO(arch_name<Arch>() << " C=" << l.channels << " inner=" << l.inner << " element " << i);
        REQUIRE(same_bits(dx[i], snan));
        REQUIRE(same_bits(y[i], tiny));
      }
    }
  });
}

TEMPLATE_TEST_CASE("PReLU: dw is overwritten, not accumulated", "[prelu]", float, double) {
  using T = TestType;
  std::vector<T> x = {T(-1), T(-2), T(3), T(-4)}, dy(4, T(1)), dx(4), w = {T(0.25), T(0.5)};
  std::vector<T> dw = {T(100), T(100)};
  rectify::prelu_backward(x, dy, dx, w, dw);
  CHECK(dw[0] == T(-1));  // x[0] = -1; x[2] = 3 > 0 contributes 0
  CHECK(dw[1] == T(-6));
}

TEMPLATE_TEST_CASE("PReLU: NCHW input is inner = H*W, one slope per channel run", "[prelu]", float,
                   double) {
  using T = TestType;
  // (N, C, H, W) = (2, 2, 1, 3): channel 0 slope 0.5, channel 1 slope 0.25
  std::vector<T> x = {-2, -4, 2, -8, 8, -16, -2, -4, 2, -8, 8, -16}, y(12);
  std::vector<T> w = {T(0.5), T(0.25)};
  rectify::prelu_forward(x, y, w, 3);
  const std::vector<T> expected = {-1, -2, 2, -2, 8, -4, -1, -2, 2, -2, 8, -4};
  CHECK(y == expected);
}

// Channels-last dw is summed column by column over rows whose length depends on C alone, so it
// has the same bits on every instruction set; on AVX-512, rows of 8 to 16 vectors keep their
// column sums in registers where the others keep them in memory. Layouts with rows of 128, 144,
// 160 and 256 floats (C = 64, 3, 5, 128), one of more than 16 vectors (C = 67), and partial last
// rows and blocks.
TEMPLATE_TEST_CASE("PReLU: channels-last dx and dw have the same bits on every instruction set",
                   "[prelu]", float, double) {
  using T = TestType;
  const std::size_t channel_counts[] = {3, 5, 64, 67, 128};
  for (const std::size_t channels : channel_counts) {
    for (const std::size_t rows : {std::size_t(1), std::size_t(7), std::size_t(333),
                                   std::size_t(700)}) {
      const std::size_t n = channels * rows;
      const std::vector<T> x = finite_values<T>(n, 11);
      const std::vector<T> dy = finite_values<T>(n, 12);
      std::vector<T> w(channels);
      for (std::size_t c = 0; c < channels; ++c) w[c] = T(1) / T(std::size_t{2} << (c % 5));
      std::vector<T> first_dx, first_dw;
      std::string first_arch;
      for_each_arch([&](auto arch) {
        using Arch = decltype(arch);
        std::vector<T> dx(n), dw(channels);
        rectify::prelu_backward<Arch>(std::span<const T>(x), std::span<const T>(dy),
                                      std::span<T>(dx), std::span<const T>(w), std::span<T>(dw),
                                      1);
        if (first_arch.empty()) {
          first_arch = arch_name<Arch>();
          first_dx = dx;
          first_dw = dw;
          return;
        }
        INFO("C = " << channels << ", " << rows << " rows: " << arch_name<Arch>() << " against "
                    << first_arch);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < n; ++i) differing += !same_bits(dx[i], first_dx[i]);
        for (std::size_t c = 0; c < channels; ++c) differing += !same_bits(dw[c], first_dw[c]);
        CHECK(differing == 0);
      });
    }
  }
}
