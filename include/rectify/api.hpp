#pragma once
// The public free functions. Arguments are inputs, then outputs, then parameters, everywhere.
// Every function validates its arguments once, throws std::invalid_argument before writing
// anything if they are wrong, then runs one unchecked kernel from kernels.hpp.
//
// Any contiguous range of float or double converts: std::vector, std::array, std::span, C
// arrays. Outputs must be lvalues or views (a temporary vector would silently lose the result).
// The instruction set is the first template argument, defaulting to the best one the compiler
// enables, or in a dispatch build to the best one the CPU has (dispatch.hpp):
// rectify::relu_forward<xsimd::sse2>(x, y) runs the SSE2 kernel either way.

#include <concepts>
#include <cstddef>
#include <ranges>
#include <span>
#include <type_traits>

#include "dispatch.hpp"
#include "kernels.hpp"
#include "simd.hpp"
#include "validation.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE {

template <class T>
concept real = std::same_as<T, float> || std::same_as<T, double>;

template <class R>
using element_t = std::remove_cv_t<std::ranges::range_value_t<R>>;

template <class R>
concept input_range =
    std::ranges::contiguous_range<R> && std::ranges::sized_range<R> && real<element_t<R>>;

template <class R>
concept output_range = input_range<R> && std::ranges::borrowed_range<R> &&
    !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>;

namespace detail {

template <class R>
inline std::span<const element_t<R>> input_span(R& r) noexcept {
  return {std::ranges::data(r), std::ranges::size(r)};
}
template <class R>
inline std::span<element_t<R>> output_span(R& r) noexcept {
  return {std::ranges::data(r), std::ranges::size(r)};
}

// y = f(x): same size, y is x or apart from it.
inline void check_map(const char* function, const buffer& x, const buffer& y) {
  require_same_size(function, x, y);
  require_same_or_disjoint(function, y, x);
}

// dx = g(x, dy): same sizes, dx is x, dy, or apart from both.
inline void check_map(const char* function, const buffer& x, const buffer& dy, const buffer& dx) {
  require_same_size(function, x, dy);
  require_same_size(function, x, dx);
  require_same_or_disjoint(function, dx, x);
  require_same_or_disjoint(function, dx, dy);
}

}  // namespace detail

// ---- ReLU: max(0, x), written as x < 0 ? +0 : x ------------------------------------------------

template <class Arch = default_arch, input_range X, output_range Y>
requires std::same_as<element_t<X>, element_t<Y>>
void relu_forward(X&& x, Y&& y) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(y);
  detail::check_map("relu_forward", {"x", in}, {"y", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::kernels<Arch, element_t<X>>::relu_forward(in.data(), out.data(), in.size(), stores);
}

template <class Arch = default_arch, input_range X, output_range D>
requires std::same_as<element_t<X>, element_t<D>>
void relu_derivative(X&& x, D&& d) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(d);
  detail::check_map("relu_derivative", {"x", in}, {"d", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::kernels<Arch, element_t<X>>::relu_derivative(in.data(), out.data(), in.size(), stores);
}

template <class Arch = default_arch, input_range X, input_range DY, output_range DX>
requires std::same_as<element_t<X>, element_t<DY>> && std::same_as<element_t<X>, element_t<DX>>
void relu_backward(X&& x, DY&& dy, DX&& dx) {
  const auto in = detail::input_span(x);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("relu_backward", {"x", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::kernels<Arch, element_t<X>>::relu_backward(in.data(), grad.data(), out.data(), in.size(),
                                                     stores);
}

template <class Arch = default_arch, input_range Y, input_range DY, output_range DX>
requires std::same_as<element_t<Y>, element_t<DY>> && std::same_as<element_t<Y>, element_t<DX>>
void relu_backward_from_output(Y&& y, DY&& dy, DX&& dx) {
  const auto in = detail::input_span(y);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("relu_backward_from_output", {"y", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::kernels<Arch, element_t<Y>>::relu_backward_from_output(in.data(), grad.data(), out.data(),
                                                                 in.size(), stores);
}

// ---- ReLU6: min(max(0, x), 6), written as x < 0 ? +0 : (x > 6 ? 6 : x) -------------------------

template <class Arch = default_arch, input_range X, output_range Y>
requires std::same_as<element_t<X>, element_t<Y>>
void relu6_forward(X&& x, Y&& y) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(y);
  detail::check_map("relu6_forward", {"x", in}, {"y", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::kernels<Arch, element_t<X>>::relu6_forward(in.data(), out.data(), in.size(), stores);
}

template <class Arch = default_arch, input_range X, output_range D>
requires std::same_as<element_t<X>, element_t<D>>
void relu6_derivative(X&& x, D&& d) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(d);
  detail::check_map("relu6_derivative", {"x", in}, {"d", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::kernels<Arch, element_t<X>>::relu6_derivative(in.data(), out.data(), in.size(), stores);
}

template <class Arch = default_arch, input_range X, input_range DY, output_range DX>
requires std::same_as<element_t<X>, element_t<DY>> && std::same_as<element_t<X>, element_t<DX>>
void relu6_backward(X&& x, DY&& dy, DX&& dx) {
  const auto in = detail::input_span(x);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("relu6_backward", {"x", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::kernels<Arch, element_t<X>>::relu6_backward(in.data(), grad.data(), out.data(), in.size(),
                                                      stores);
}

template <class Arch = default_arch, input_range Y, input_range DY, output_range DX>
requires std::same_as<element_t<Y>, element_t<DY>> && std::same_as<element_t<Y>, element_t<DX>>
void relu6_backward_from_output(Y&& y, DY&& dy, DX&& dx) {
  const auto in = detail::input_span(y);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("relu6_backward_from_output", {"y", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::kernels<Arch, element_t<Y>>::relu6_backward_from_output(in.data(), grad.data(),
                                                                  out.data(), in.size(), stores);
}

// ---- LeakyReLU: x > 0 ? x : x * negative_slope -------------------------------------------------

template <class Arch = default_arch, input_range X, output_range Y>
requires std::same_as<element_t<X>, element_t<Y>>
void leaky_relu_forward(X&& x, Y&& y, element_t<X> negative_slope = element_t<X>(0.01)) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(y);
  detail::check_map("leaky_relu_forward", {"x", in}, {"y", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::kernels<Arch, element_t<X>>::leaky_relu_forward(in.data(), out.data(), in.size(),
                                                          negative_slope, stores);
}

template <class Arch = default_arch, input_range X, output_range D>
requires std::same_as<element_t<X>, element_t<D>>
void leaky_relu_derivative(X&& x, D&& d, element_t<X> negative_slope = element_t<X>(0.01)) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(d);
  detail::check_map("leaky_relu_derivative", {"x", in}, {"d", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::kernels<Arch, element_t<X>>::leaky_relu_derivative(in.data(), out.data(), in.size(),
                                                             negative_slope, stores);
}

template <class Arch = default_arch, input_range X, input_range DY, output_range DX>
requires std::same_as<element_t<X>, element_t<DY>> && std::same_as<element_t<X>, element_t<DX>>
void leaky_relu_backward(X&& x, DY&& dy, DX&& dx,
                         element_t<X> negative_slope = element_t<X>(0.01)) {
  const auto in = detail::input_span(x);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("leaky_relu_backward", {"x", in}, {"dy", grad}, {"dx", out});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::kernels<Arch, element_t<X>>::leaky_relu_backward(in.data(), grad.data(), out.data(),
                                                           in.size(), negative_slope, stores);
}

// Only for negative_slope >= 0: with a negative slope the sign of y no longer tells x's.
template <class Arch = default_arch, input_range Y, input_range DY, output_range DX>
requires std::same_as<element_t<Y>, element_t<DY>> && std::same_as<element_t<Y>, element_t<DX>>
void leaky_relu_backward_from_output(Y&& y, DY&& dy, DX&& dx,
                                     element_t<Y> negative_slope = element_t<Y>(0.01)) {
  const auto in = detail::input_span(y);
  const auto grad = detail::input_span(dy);
  const auto out = detail::output_span(dx);
  detail::check_map("leaky_relu_backward_from_output", {"y", in}, {"dy", grad}, {"dx", out});
  detail::require_nonnegative_slope("leaky_relu_backward_from_output", negative_slope);
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data(), grad.data());
  detail::kernels<Arch, element_t<Y>>::leaky_relu_backward_from_output(
      in.data(), grad.data(), out.data(), in.size(), negative_slope, stores);
}

// ---- PReLU: x > 0 ? x : x * w[c], x read as [outer][C][inner], C = w.size() --------------------
// inner = 1 for (N, C) tensors and channels-last buffers, inner = H * W for NCHW.

template <class Arch = default_arch, input_range X, output_range Y, input_range W>
requires std::same_as<element_t<X>, element_t<Y>> && std::same_as<element_t<X>, element_t<W>>
void prelu_forward(X&& x, Y&& y, W&& w, std::size_t inner = 1) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(y);
  const auto slopes = detail::input_span(w);
  detail::check_map("prelu_forward", {"x", in}, {"y", out});
  detail::require_prelu_layout("prelu_forward", in.size(), slopes.size(), inner);
  detail::require_disjoint("prelu_forward", {"y", out}, {"w", slopes});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::kernels<Arch, element_t<X>>::prelu_forward(in.data(), out.data(), in.size(),
                                                     slopes.data(), slopes.size(), inner, stores);
}

template <class Arch = default_arch, input_range X, output_range D, input_range W>
requires std::same_as<element_t<X>, element_t<D>> && std::same_as<element_t<X>, element_t<W>>
void prelu_derivative(X&& x, D&& d, W&& w, std::size_t inner = 1) {
  const auto in = detail::input_span(x);
  const auto out = detail::output_span(d);
  const auto slopes = detail::input_span(w);
  detail::check_map("prelu_derivative", {"x", in}, {"d", out});
  detail::require_prelu_layout("prelu_derivative", in.size(), slopes.size(), inner);
  detail::require_disjoint("prelu_derivative", {"d", out}, {"w", slopes});
  const store_kind stores = detail::choose_stores(out.data(), out.size(), in.data());
  detail::kernels<Arch, element_t<X>>::prelu_derivative(
      in.data(), out.data(), in.size(), slopes.data(), slopes.size(), inner, stores);
}

// dx = dy * f'(x), and dw[c] (overwritten) = the sum over channel c of (x > 0 ? 0 : x * dy).
template <class Arch = default_arch, input_range X, input_range DY, output_range DX, input_range W,
          output_range DW>
requires std::same_as<element_t<X>, element_t<DY>> && std::same_as<element_t<X>, element_t<DX>> &&
    std::same_as<element_t<X>, element_t<W>> && std::same_as<element_t<X>, element_t<DW>>
void prelu_backward(X&& x, DY&& dy, DX&& dx, W&& w, DW&& dw, std::size_t inner = 1) {
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
  detail::kernels<Arch, element_t<X>>::prelu_backward(in.data(), grad.data(), out.data(), in.size(),
                                                      slopes.data(), slope_grad.data(),
                                                      slopes.size(), inner, stores);
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE
