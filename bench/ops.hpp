#pragma once
// Every op the benchmark times, in table order: the elementwise kernels of the tests' list
// (tests/kernel_list.hpp, so a kernel added there is benchmarked too), then PReLU forward,
// derivative and backward (with dw) in its two layouts with C = 64, then PReLU forward and
// backward in the odd layouts (C = 3 and 67 channels-last, inner = 7 channels-first). Each op
// says how many bytes one call moves and how rectify and the plain scalar loop compute it; peers
// say how they compute it in their own files.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <rectify/rectify.hpp>

#include "kernel_list.hpp"
#include "plain_loop.hpp"
#include "workload.hpp"

// In the inline namespace of the rectify build the including file calls (harness.hpp says why).
namespace bench::inline RECTIFY_TARGET_NAMESPACE {

// An elementwise kernel of the shared list.
template <class Kernel>
struct elementwise_op {
  using kernel = Kernel;
  static constexpr std::string_view name = Kernel::name;
  static constexpr int inputs = Kernel::inputs;
  static constexpr bool writes_dw = false;

  static constexpr bool odd_layout = false;
  static constexpr std::size_t channels(std::size_t) { return 0; }
  static constexpr std::size_t inner(std::size_t) { return 0; }
  static constexpr std::size_t size_near(std::size_t n) { return n; }

  // Bytes read plus bytes written by one call.
  template <class T>
  static constexpr std::size_t bytes(std::size_t n) {
    return std::size_t(inputs + 1) * n * sizeof(T);
  }

  template <class T>
  static void rectify(const problem<T>& p, std::size_t call) {
    Kernel::run(rectify::default_arch{}, std::span<const T>(p.x, p.n),
                std::span<const T>(p.dy, p.dy ? p.n : 0), std::span<T>(p.out, p.n),
                p.slope[call % 2]);
  }

  // The same call with an execution policy first (rectify::par and its variants).
  template <class T, class Policy>
  static void rectify_with(const Policy& policy, const problem<T>& p, std::size_t call) {
    Kernel::run_with(rectify::default_arch{}, policy, std::span<const T>(p.x, p.n),
                     std::span<const T>(p.dy, p.dy ? p.n : 0), std::span<T>(p.out, p.n),
                     p.slope[call % 2]);
  }

  template <class T>
  static void plain(const problem<T>& p, std::size_t call) {
    plain_loop::elementwise<Kernel>(p.x, p.dy, p.out, p.n, p.slope[call % 2]);
  }
};

enum class direction { forward, derivative, backward };
enum class layout { channels_first, channels_last };

// An op's name, put together at compile time: "prelu_backward_channels_last" + "_c" + "67"
// (a name too long for `text` stops the build: it is evaluated as a constant).
struct op_name {
  char text[48] = {};
  std::size_t length = 0;

  constexpr op_name& append(std::string_view part) {
    for (const char c : part) text[length++] = c;
    return *this;
  }
  constexpr op_name& append(std::size_t number) {
    char digits[20] = {};
    std::size_t count = 0;
    do {
      digits[count++] = static_cast<char>('0' + number % 10);
      number /= 10;
    } while (number != 0);
    while (count != 0) text[length++] = digits[--count];
    return *this;
  }
  constexpr std::string_view view() const { return {text, length}; }
};

// PReLU with Channels slopes. The main rows have kChannels: channels-first reads x as
// [1][C][n / C] (one NCHW image, inner = H * W = n / C), channels-last as [n / C][C] (NHWC,
// inner = 1). The odd layouts are the shapes a vector loop finds awkward, timed beside those:
// channels-last with C not a multiple of the vector width (C = 3, 67), and channels-first with a
// fixed small inner (Inner = 7, a tiny image) over a batch, x read as [n / (C * 7)][C][7]. Their
// names add "_c<C>" or "_inner<Inner>" to the main row's, which is how the report pairs them.
template <direction Direction, layout Layout, std::size_t Channels = kChannels,
          std::size_t Inner = 0>
struct prelu_op {
  static_assert(Channels >= 1 && Channels <= kMaxChannels,
                "workload.hpp holds kMaxChannels slopes");
  static_assert(Layout == layout::channels_first || Inner == 0, "channels-last has inner = 1");

  static constexpr direction dir = Direction;
  static constexpr layout memory_layout = Layout;
  static constexpr bool odd_layout = Channels != kChannels || Inner != 0;

 private:
  static constexpr op_name spelled = [] {
    op_name result;
    result.append(Direction == direction::forward      ? "prelu_forward"
                  : Direction == direction::derivative ? "prelu_derivative"
                                                       : "prelu_backward");
    result.append(Layout == layout::channels_first ? "_channels_first" : "_channels_last");
    if (Inner != 0) result.append("_inner").append(Inner);
    if (Channels != kChannels) result.append("_c").append(Channels);
    return result;
  }();

 public:
  static constexpr std::string_view name = spelled.view();
  static constexpr int inputs = Direction == direction::backward ? 2 : 1;
  static constexpr bool writes_dw = Direction == direction::backward;

  static constexpr std::size_t channels(std::size_t) { return Channels; }
  static constexpr std::size_t inner(std::size_t n) {
    if constexpr (Layout == layout::channels_last) return 1;
    return Inner != 0 ? Inner : n / Channels;
  }

  // The size this op is timed at in the row of size n: n for the main rows (a multiple of
  // kChannels), else the multiple of C * inner nearest to n, one at least.
  static constexpr std::size_t size_near(std::size_t n) {
    if constexpr (!odd_layout) {
      return n;
    } else {
      constexpr std::size_t unit = Channels * (Inner != 0 ? Inner : 1);
      const std::size_t units = (n + unit / 2) / unit;
      return (units == 0 ? 1 : units) * unit;
    }
  }

  // The data, plus w read and, for the backward, dw written.
  template <class T>
  static constexpr std::size_t bytes(std::size_t n) {
    return (std::size_t(inputs + 1) * n + (writes_dw ? 2 : 1) * Channels) * sizeof(T);
  }

  template <class T>
  static void rectify(const problem<T>& p, std::size_t call) {
    const std::span<const T> x(p.x, p.n);
    const std::span<T> out(p.out, p.n);
    const std::span<const T> w(p.w[call % 2], p.channels);
    if constexpr (Direction == direction::forward) {
      rectify::prelu_forward(x, out, w, p.inner);
    } else if constexpr (Direction == direction::derivative) {
      rectify::prelu_derivative(x, out, w, p.inner);
    } else {
      rectify::prelu_backward(x, std::span<const T>(p.dy, p.n), out, w,
                              std::span<T>(p.dw, p.channels), p.inner);
    }
  }

  template <class T, class Policy>
  static void rectify_with(const Policy& policy, const problem<T>& p, std::size_t call) {
    const std::span<const T> x(p.x, p.n);
    const std::span<T> out(p.out, p.n);
    const std::span<const T> w(p.w[call % 2], p.channels);
    if constexpr (Direction == direction::forward) {
      rectify::prelu_forward(policy, x, out, w, p.inner);
    } else if constexpr (Direction == direction::derivative) {
      rectify::prelu_derivative(policy, x, out, w, p.inner);
    } else {
      rectify::prelu_backward(policy, x, std::span<const T>(p.dy, p.n), out, w,
                              std::span<T>(p.dw, p.channels), p.inner);
    }
  }

  template <class T>
  static void plain(const problem<T>& p, std::size_t call) {
    const T* w = p.w[call % 2];
    if constexpr (Layout == layout::channels_first) {
      if constexpr (Direction == direction::forward) {
        plain_loop::prelu_forward_channels_first(p.x, p.out, p.n, w, p.channels, p.inner);
      } else if constexpr (Direction == direction::derivative) {
        plain_loop::prelu_derivative_channels_first(p.x, p.out, p.n, w, p.channels, p.inner);
      } else {
        plain_loop::prelu_backward_channels_first(p.x, p.dy, p.out, p.n, w, p.dw, p.channels,
                                                  p.inner);
      }
    } else {
      if constexpr (Direction == direction::forward) {
        plain_loop::prelu_forward_channels_last(p.x, p.out, p.n, w, p.channels);
      } else if constexpr (Direction == direction::derivative) {
        plain_loop::prelu_derivative_channels_last(p.x, p.out, p.n, w, p.channels);
      } else {
        plain_loop::prelu_backward_channels_last(p.x, p.dy, p.out, p.n, w, p.dw, p.channels);
      }
    }
  }
};

template <class List>
struct elementwise_ops_of;
template <class... Kernels>
struct elementwise_ops_of<std::tuple<Kernels...>> {
  using type = std::tuple<elementwise_op<Kernels>...>;
};

using prelu_ops = std::tuple<prelu_op<direction::forward, layout::channels_first>,
                             prelu_op<direction::derivative, layout::channels_first>,
                             prelu_op<direction::backward, layout::channels_first>,
                             prelu_op<direction::forward, layout::channels_last>,
                             prelu_op<direction::derivative, layout::channels_last>,
                             prelu_op<direction::backward, layout::channels_last>>;

// The odd layouts, forward and backward (with dw): rows of their own (main.cpp).
using prelu_odd_layout_ops =
    std::tuple<prelu_op<direction::forward, layout::channels_last, 3>,
               prelu_op<direction::backward, layout::channels_last, 3>,
               prelu_op<direction::forward, layout::channels_last, 67>,
               prelu_op<direction::backward, layout::channels_last, 67>,
               prelu_op<direction::forward, layout::channels_first, kChannels, 7>,
               prelu_op<direction::backward, layout::channels_first, kChannels, 7>>;

using all_ops = decltype(std::tuple_cat(
    std::declval<typename elementwise_ops_of<testing::elementwise_kernels>::type>(),
    std::declval<prelu_ops>(), std::declval<prelu_odd_layout_ops>()));

// Calls f.template operator()<Op>() for every op, in table order.
template <class F>
void for_each_op(F&& f) {
  std::apply([&](auto... op) { (f.template operator()<decltype(op)>(), ...); }, all_ops{});
}

}  // namespace bench::inline RECTIFY_TARGET_NAMESPACE
