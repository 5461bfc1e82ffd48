#pragma once
// Runtime dispatch, for programs built with the rectify::dispatch CMake target (which defines
// RECTIFY_DISPATCH): every call made with the default instruction set, rectify::dynamic_arch,
// runs the kernels of the best instruction set that both the CPU and the operating system
// support, among those the dispatch library is compiled for (AVX-512, AVX2+FMA and SSE2 on
// x86-64). The choice is made once, on first use; the environment variable
// RECTIFY_ISA=sse2|avx2|avx512 caps it. An explicit instruction set, relu_forward<xsimd::sse2>,
// still runs the header-only kernel compiled with the caller's flags.

#include "config.hpp"

#ifdef RECTIFY_DISPATCH

#include <atomic>
#include <cstddef>
#include <type_traits>

#include "kernel_table.hpp"
#include "kernels.hpp"
#include "simd.hpp"

namespace rectify {

// The instruction set the dispatched kernels run: "avx512", "avx2" or "sse2" on x86-64, "neon"
// on aarch64.
const char* active_isa() noexcept;

namespace dispatch {

// The kernels calls run: the chosen set once the choice is made; until then a set whose every
// entry makes the choice (once per program, thread-safely) and runs the chosen kernel. So a
// call costs a load and an indirect call, with no check of its own (src/dispatch.cpp).
extern std::atomic<const isa_kernels*> active_kernels;

// Makes the choice, the first time it is called.
const isa_kernels& select_kernels() noexcept;

}  // namespace dispatch

}  // namespace rectify

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

template <class T>
struct kernels<dynamic_arch, T> {
  using arch = dynamic_arch;

  static const dispatch::kernel_table<T>& table() noexcept {
    const dispatch::isa_kernels& active = *dispatch::active_kernels.load(std::memory_order_acquire);
    if constexpr (std::is_same_v<T, float>) {
      return active.for_float;
    } else {
      return active.for_double;
    }
  }

  static void relu_forward(const T* x, T* y, std::size_t n, store_kind stores) noexcept {
    table().relu_forward(x, y, n, stores);
  }
  static void relu_derivative(const T* x, T* d, std::size_t n, store_kind stores) noexcept {
    table().relu_derivative(x, d, n, stores);
  }
  static void relu_backward(const T* x, const T* dy, T* dx, std::size_t n,
                            store_kind stores) noexcept {
    table().relu_backward(x, dy, dx, n, stores);
  }
  static void relu_backward_from_output(const T* y, const T* dy, T* dx, std::size_t n,
                                        store_kind stores) noexcept {
    table().relu_backward_from_output(y, dy, dx, n, stores);
  }

  static void relu6_forward(const T* x, T* y, std::size_t n, store_kind stores) noexcept {
    table().relu6_forward(x, y, n, stores);
  }
  static void relu6_derivative(const T* x, T* d, std::size_t n, store_kind stores) noexcept {
    table().relu6_derivative(x, d, n, stores);
  }
  static void relu6_backward(const T* x, const T* dy, T* dx, std::size_t n,
                             store_kind stores) noexcept {
    table().relu6_backward(x, dy, dx, n, stores);
  }
  static void relu6_backward_from_output(const T* y, const T* dy, T* dx, std::size_t n,
                                         store_kind stores) noexcept {
    table().relu6_backward_from_output(y, dy, dx, n, stores);
  }

  static void leaky_relu_forward(const T* x, T* y, std::size_t n, T s, store_kind stores) noexcept {
    table().leaky_relu_forward(x, y, n, s, stores);
  }
  static void leaky_relu_derivative(const T* x, T* d, std::size_t n, T s,
                                    store_kind stores) noexcept {
    table().leaky_relu_derivative(x, d, n, s, stores);
  }
  static void leaky_relu_backward(const T* x, const T* dy, T* dx, std::size_t n, T s,
                                  store_kind stores) noexcept {
    table().leaky_relu_backward(x, dy, dx, n, s, stores);
  }
  static void leaky_relu_backward_from_output(const T* y, const T* dy, T* dx, std::size_t n, T s,
                                              store_kind stores) noexcept {
    table().leaky_relu_backward_from_output(y, dy, dx, n, s, stores);
  }

  static void prelu_forward(const T* x, T* y, std::size_t n, const T* w, std::size_t channels,
                            std::size_t inner, store_kind stores) noexcept {
    table().prelu_forward(x, y, n, w, channels, inner, stores);
  }
  static void prelu_derivative(const T* x, T* d, std::size_t n, const T* w, std::size_t channels,
                               std::size_t inner, store_kind stores) noexcept {
    table().prelu_derivative(x, d, n, w, channels, inner, stores);
  }
  static void prelu_backward(const T* x, const T* dy, T* dx, std::size_t n, const T* w, T* dw,
                             std::size_t channels, std::size_t inner, store_kind stores) noexcept {
    table().prelu_backward(x, dy, dx, n, w, dw, channels, inner, stores);
  }
};

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail

#endif  // RECTIFY_DISPATCH
