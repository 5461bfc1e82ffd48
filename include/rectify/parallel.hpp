#pragma once
// The policy overloads of the public functions: the same functions as api.hpp with an execution
// policy (execution.hpp) first, as in the standard algorithms:
//
//   rectify::relu_forward(rectify::par, x, y);
//   rectify::prelu_backward(rectify::par.on(pool), x, dy, dx, w, dw, inner);
//
// Each checks its arguments exactly as its api.hpp counterpart does, with the same messages, and
// throws before any thread starts or any output byte is written; then it splits the work over the
// policy's executor (parallel_kernels.hpp). Results are bit for bit those of the serial call.

#include "config.hpp"

#include <concepts>
#include <cstddef>

#include "api.hpp"
#include "execution.hpp"
#include "parallel_kernels.hpp"
#include "simd.hpp"
#include "validation.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE {

template <class Arch = default_arch, execution_policy P, input_range X, output_range Y>
  requires std::same_as<element_t<X>, element_t<Y>>
void relu_forward(P policy, X&& x, Y&& y) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(y);
  detail::check_map("relu_forward", {"x", in}, {"y", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::parallel_kernels<Arch, element_t<X>>::relu_forward(policy, in.data(), out.data(),
                                                             in.size(), stores);
}

template <class Arch = default_arch, execution_policy P, input_range X, output_range D>
  requires std::same_as<element_t<X>, element_t<D>>
void relu_derivative(P policy, X&& x, D&& d) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(d);
  detail::check_map("relu_derivative", {"x", in}, {"d", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::parallel_kernels<Arch, element_t<X>>::relu_derivative(policy, in.data(), out.data(),
                                                                in.size(), stores);
}

template <class Arch = default_arch, execution_policy P, input_range X, input_range DY,
          output_range DX>
  requires std::same_as<element_t<X>, element_t<DY>> && std::same_as<element_t<X>, element_t<DX>>
void relu_backward(P policy, X&& x, DY&& dy, DX&& dx) {
  const auto in = detail::input_span(x);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("relu_backward", {"x", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::parallel_kernels<Arch, element_t<X>>::relu_backward(policy, in.data(), grad.data(),
                                                              out.data(), in.size(), stores);
}

template <class Arch = default_arch, execution_policy P, input_range Y, input_range DY,
          output_range DX>
  requires std::same_as<element_t<Y>, element_t<DY>> && std::same_as<element_t<Y>, element_t<DX>>
void relu_backward_from_output(P policy, Y&& y, DY&& dy, DX&& dx) {
  const auto in = detail::input_span(y);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("relu_backward_from_output", {"y", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::parallel_kernels<Arch, element_t<Y>>::relu_backward_from_output(
      policy, in.data(), grad.data(), out.data(), in.size(), stores);
}

// ---- ReLU6: min(max(0, x), 6), written as x < 0 ? +0 : (x > 6 ? 6 : x) -------------------------

template <class Arch = default_arch, execution_policy P, input_range X, output_range Y>
  requires std::same_as<element_t<X>, element_t<Y>>
void relu6_forward(P policy, X&& x, Y&& y) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(y);
  detail::check_map("relu6_forward", {"x", in}, {"y", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::parallel_kernels<Arch, element_t<X>>::relu6_forward(policy, in.data(), out.data(),
                                                              in.size(), stores);
}

template <class Arch = default_arch, execution_policy P, input_range X, output_range D>
  requires std::same_as<element_t<X>, element_t<D>>
void relu6_derivative(P policy, X&& x, D&& d) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(d);
  detail::check_map("relu6_derivative", {"x", in}, {"d", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::parallel_kernels<Arch, element_t<X>>::relu6_derivative(policy, in.data(), out.data(),
                                                                 in.size(), stores);
}

template <class Arch = default_arch, execution_policy P, input_range X, input_range DY,
          output_range DX>
  requires std::same_as<element_t<X>, element_t<DY>> && std::same_as<element_t<X>, element_t<DX>>
void relu6_backward(P policy, X&& x, DY&& dy, DX&& dx) {
  const auto in = detail::input_span(x);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("relu6_backward", {"x", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::parallel_kernels<Arch, element_t<X>>::relu6_backward(policy, in.data(), grad.data(),
                                                               out.data(), in.size(), stores);
}

template <class Arch = default_arch, execution_policy P, input_range Y, input_range DY,
          output_range DX>
  requires std::same_as<element_t<Y>, element_t<DY>> && std::same_as<element_t<Y>, element_t<DX>>
void relu6_backward_from_output(P policy, Y&& y, DY&& dy, DX&& dx) {
  const auto in = detail::input_span(y);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("relu6_backward_from_output", {"y", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::parallel_kernels<Arch, element_t<Y>>::relu6_backward_from_output(
      policy, in.data(), grad.data(), out.data(), in.size(), stores);
}

// ---- LeakyReLU: x > 0 ? x : x * negative_slope -------------------------------------------------

template <class Arch = default_arch, execution_policy P, input_range X, output_range Y>
  requires std::same_as<element_t<X>, element_t<Y>>
void leaky_relu_forward(P policy, X&& x, Y&& y, element_t<X> negative_slope = element_t<X>(0.01)) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(y);
  detail::check_map("leaky_relu_forward", {"x", in}, {"y", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::parallel_kernels<Arch, element_t<X>>::leaky_relu_forward(
      policy, in.data(), out.data(), in.size(), negative_slope, stores);
}

template <class Arch = default_arch, execution_policy P, input_range X, output_range D>
  requires std::same_as<element_t<X>, element_t<D>>
void leaky_relu_derivative(P policy, X&& x, D&& d,
                           element_t<X> negative_slope = element_t<X>(0.01)) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(d);
  detail::check_map("leaky_relu_derivative", {"x", in}, {"d", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::parallel_kernels<Arch, element_t<X>>::leaky_relu_derivative(
      policy, in.data(), out.data(), in.size(), negative_slope, stores);
}

template <class Arch = default_arch, execution_policy P, input_range X, input_range DY,
          output_range DX>
  requires std::same_as<element_t<X>, element_t<DY>> && std::same_as<element_t<X>, element_t<DX>>
void leaky_relu_backward(P policy, X&& x, DY&& dy, DX&& dx,
                         element_t<X> negative_slope = element_t<X>(0.01)) {
  const auto in = detail::input_span(x);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("leaky_relu_backward", {"x", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::parallel_kernels<Arch, element_t<X>>::leaky_relu_backward(
      policy, in.data(), grad.data(), out.data(), in.size(), negative_slope, stores);
}

// Only for negative_slope >= 0: with a negative slope the sign of y no longer tells x's.

template <class Arch = default_arch, execution_policy P, input_range Y, input_range DY,
          output_range DX>
  requires std::same_as<element_t<Y>, element_t<DY>> && std::same_as<element_t<Y>, element_t<DX>>
void leaky_relu_backward_from_output(P policy, Y&& y, DY&& dy, DX&& dx,
                                     element_t<Y> negative_slope = element_t<Y>(0.01)) {
  const auto in = detail::input_span(y);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("leaky_relu_backward_from_output", {"y", in}, {"dy", grad}, {"dx", out});
  detail::require_nonnegative_slope("leaky_relu_backward_from_output", negative_slope);
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::parallel_kernels<Arch, element_t<Y>>::leaky_relu_backward_from_output(
      policy, in.data(), grad.data(), out.data(), in.size(), negative_slope, stores);
}

// ---- PReLU: x > 0 ? x : x * w[c], x read as [outer][C][inner], C = w.size() --------------------
// inner = 1 for (N, C) tensors and channels-last buffers, inner = H * W for NCHW.

template <class Arch = default_arch, execution_policy P, input_range X, output_range Y,
          input_range W>
  requires std::same_as<element_t<X>, element_t<Y>> && std::same_as<element_t<X>, element_t<W>>
void prelu_forward(P policy, X&& x, Y&& y, W&& w, std::size_t inner = 1) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(y);
  const auto slopes = detail::input_span(w);
  detail::check_map("prelu_forward", {"x", in}, {"y", out});
  detail::require_prelu_layout("prelu_forward", in.size(), slopes.size(), inner);
  detail::require_disjoint("prelu_forward", {"y", out}, {"w", slopes});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::parallel_kernels<Arch, element_t<X>>::prelu_forward(
      policy, in.data(), out.data(), in.size(), slopes.data(), slopes.size(), inner, stores);
}

template <class Arch = default_arch, execution_policy P, input_range X, output_range D,
          input_range W>
  requires std::same_as<element_t<X>, element_t<D>> && std::same_as<element_t<X>, element_t<W>>
void prelu_derivative(P policy, X&& x, D&& d, W&& w, std::size_t inner = 1) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(d);
  const auto slopes = detail::input_span(w);
  detail::check_map("prelu_derivative", {"x", in}, {"d", out});
  detail::require_prelu_layout("prelu_derivative", in.size(), slopes.size(), inner);
  detail::require_disjoint("prelu_derivative", {"d", out}, {"w", slopes});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::parallel_kernels<Arch, element_t<X>>::prelu_derivative(
      policy, in.data(), out.data(), in.size(), slopes.data(), slopes.size(), inner, stores);
}

// dx = dy * f'(x), and dw[c] (overwritten) = the sum over channel c of (x > 0 ? 0 : x * dy).
template <class Arch = default_arch, execution_policy P, input_range X, input_range DY,
          output_range DX, input_range W, output_range DW>
  requires std::same_as<element_t<X>, element_t<DY>> && std::same_as<element_t<X>, element_t<DX>> &&
           std::same_as<element_t<X>, element_t<W>> && std::same_as<element_t<X>, element_t<DW>>
void prelu_backward(P policy, X&& x, DY&& dy, DX&& dx, W&& w, DW&& dw, std::size_t inner = 1) {
  const auto in = detail::input_span(x);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  const auto slopes = detail::input_span(w);
  const auto slope_grad = detail::output_span(dw);
  constexpr const char* function = "prelu_backward";
  detail::check_map(function, {"x", in}, {"dy", grad}, {"dx", out});
  detail::require_prelu_layout(function, in.size(), slopes.size(), inner);
  detail::require_same_size(function, {"dw", slope_grad}, {"w", slopes});
  detail::require_disjoint(function, {"dx", out}, {"w", slopes});
  for (const detail::buffer& other : {detail::buffer("x", in), detail::buffer("dy", grad),
                                      detail::buffer("dx", out), detail::buffer("w", slopes)}) {
    detail::require_disjoint(function, {"dw", slope_grad}, other);
  }
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::parallel_kernels<Arch, element_t<X>>::prelu_backward(
      policy, in.data(), grad.data(), out.data(), in.size(), slopes.data(), slope_grad.data(),
      slopes.size(), inner, stores);
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE
