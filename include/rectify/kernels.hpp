#pragma once
// Every kernel of the library for one instruction set and one element type, on raw pointers,
// after validation. This is the seam between the checked public API and the unchecked loops:
// one class per (Arch, T), which can be instantiated explicitly, one instruction set per
// translation unit. Each kernel takes, last, the kind of stores chosen for the output of the
// whole call (choose_stores): a kernel may write only a piece of it, which must not choose
// from its own size.

#include <cstddef>

#include "activations.hpp"
#include "kernel_loop.hpp"
#include "prelu_walk.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

template <class Arch, class T>
struct kernels {
  using arch = Arch;

  static void relu_forward(const T* x, T* y, std::size_t n, store_kind stores) noexcept {
    transform<Arch>(
        stores, [](auto v) { return ops::relu::forward(v); }, y, n, x);
  }
  static void relu_derivative(const T* x, T* d, std::size_t n, store_kind stores) noexcept {
    transform<Arch>(
        stores, [](auto v) { return ops::relu::derivative(v); }, d, n, x);
  }
  static void relu_backward(const T* x, const T* dy, T* dx, std::size_t n,
                            store_kind stores) noexcept {
    transform<Arch>(
        stores, [](auto v, auto g) { return ops::relu::backward(v, g); }, dx, n, x, dy);
  }
  static void relu_backward_from_output(const T* y, const T* dy, T* dx, std::size_t n,
                                        store_kind stores) noexcept {
    transform<Arch>(
        stores, [](auto v, auto g) { return ops::relu::backward_from_output(v, g); }, dx, n, y, dy);
  }

  static void relu6_forward(const T* x, T* y, std::size_t n, store_kind stores) noexcept {
    transform<Arch>(
        stores, [](auto v) { return ops::relu6::forward(v); }, y, n, x);
  }
  static void relu6_derivative(const T* x, T* d, std::size_t n, store_kind stores) noexcept {
    transform<Arch>(
        stores, [](auto v) { return ops::relu6::derivative(v); }, d, n, x);
  }
  static void relu6_backward(const T* x, const T* dy, T* dx, std::size_t n,
                             store_kind stores) noexcept {
    transform<Arch>(
        stores, [](auto v, auto g) { return ops::relu6::backward(v, g); }, dx, n, x, dy);
  }
  static void relu6_backward_from_output(const T* y, const T* dy, T* dx, std::size_t n,
                                         store_kind stores) noexcept {
    transform<Arch>(
        stores, [](auto v, auto g) { return ops::relu6::backward_from_output(v, g); }, dx, n, y,
        dy);
  }

  static void leaky_relu_forward(const T* x, T* y, std::size_t n, T s, store_kind stores) noexcept {
    transform<Arch>(
        stores, [s](auto v) { return ops::leaky_relu::forward(v, decltype(v)(s)); }, y, n, x);
  }
  static void leaky_relu_derivative(const T* x, T* d, std::size_t n, T s,
                                    store_kind stores) noexcept {
    transform<Arch>(
        stores, [s](auto v) { return ops::leaky_relu::derivative(v, decltype(v)(s)); }, d, n, x);
  }
  static void leaky_relu_backward(const T* x, const T* dy, T* dx, std::size_t n, T s,
                                  store_kind stores) noexcept {
    transform<Arch>(
        stores, [s](auto v, auto g) { return ops::leaky_relu::backward(v, g, decltype(v)(s)); }, dx,
        n, x, dy);
  }
  static void leaky_relu_backward_from_output(const T* y, const T* dy, T* dx, std::size_t n, T s,
                                              store_kind stores) noexcept {
    transform<Arch>(
        stores,
        [s](auto v, auto g) { return ops::leaky_relu::backward_from_output(v, g, decltype(v)(s)); },
        dx, n, y, dy);
  }

  static void prelu_forward(const T* x, T* y, std::size_t n, const T* w, std::size_t channels,
                            std::size_t inner, store_kind stores) noexcept {
    detail::prelu_forward<Arch>(x, y, n, w, channels, inner, stores);
  }
  static void prelu_derivative(const T* x, T* d, std::size_t n, const T* w, std::size_t channels,
                               std::size_t inner, store_kind stores) noexcept {
    detail::prelu_derivative<Arch>(x, d, n, w, channels, inner, stores);
  }
  static void prelu_backward(const T* x, const T* dy, T* dx, std::size_t n, const T* w, T* dw,
                             std::size_t channels, std::size_t inner, store_kind stores) noexcept {
    detail::prelu_backward<Arch>(x, dy, dx, n, w, dw, channels, inner, stores);
  }
};

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
