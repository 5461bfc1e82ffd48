#pragma once
// Every op the benchmark times, in table order: the elementwise kernels of the tests' list
// (tests/kernel_list.hpp, so a kernel added there is benchmarked too), then PReLU forward,
// derivative and backward (with dw) in its two layouts. Each op says how many bytes one call
// moves and how rectify and the plain scalar loop compute it; peers say how they compute it in
// their own files.

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

  static constexpr std::size_t channels(std::size_t) { return 0; }
  static constexpr std::size_t inner(std::size_t) { return 0; }

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

// PReLU with kChannels slopes: channels-first reads x as [1][C][n / C] (an NCHW image with
// inner = H * W = n / C), channels-last as [n / C][C] (NHWC, inner = 1).
template <direction Direction, layout Layout>
struct prelu_op {
  static constexpr direction dir = Direction;
  static constexpr layout memory_layout = Layout;
  static constexpr std::string_view name =
      Direction == direction::forward
          ? (Layout == layout::channels_first ? "prelu_forward_channels_first"
                                              : "prelu_forward_channels_last")
      : Direction == direction::derivative
          ? (Layout == layout::channels_first ? "prelu_derivative_channels_first"
                                              : "prelu_derivative_channels_last")
          : (Layout == layout::channels_first ? "prelu_backward_channels_first"
                                              : "prelu_backward_channels_last");
  static constexpr int inputs = Direction == direction::backward ? 2 : 1;
  static constexpr bool writes_dw = Direction == direction::backward;

  static constexpr std::size_t channels(std::size_t) { return kChannels; }
  static constexpr std::size_t inner(std::size_t n) {
    return Layout == layout::channels_first ? n / kChannels : 1;
  }

  // The data, plus w read and, for the backward, dw written.
  template <class T>
  static constexpr std::size_t bytes(std::size_t n) {
    return (std::size_t(inputs + 1) * n + (writes_dw ? 2 : 1) * kChannels) * sizeof(T);
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

using all_ops = decltype(std::tuple_cat(
    std::declval<typename elementwise_ops_of<testing::elementwise_kernels>::type>(),
    std::declval<prelu_ops>()));

// Calls f.template operator()<Op>() for every op, in table order.
template <class F>
void for_each_op(F&& f) {
  std::apply([&](auto... op) { (f.template operator()<decltype(op)>(), ...); }, all_ops{});
}

}  // namespace bench::inline RECTIFY_TARGET_NAMESPACE
