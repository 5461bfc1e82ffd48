#pragma once
// The kernels of one instruction set as a table of function pointers. The dispatch library fills
// one table per instruction set, each in a translation unit compiled with that set's flags
// (src/kernels_*.cpp), and dispatch.hpp calls through the one chosen at run time.

#include <cstddef>

#include "config.hpp"
#include "kernels.hpp"

// Outside the inline namespace on purpose: the tables are what the translation units of a
// dispatch build, each compiled for its own instruction set, share. They hold data, no code.
namespace rectify::dispatch {

template <class T>
struct kernel_table {
  void (*relu_forward)(const T* x, T* y, std::size_t n, store_kind stores) noexcept;
  void (*relu_derivative)(const T* x, T* d, std::size_t n, store_kind stores) noexcept;
  void (*relu_backward)(const T* x, const T* dy, T* dx, std::size_t n, store_kind stores) noexcept;
  void (*relu_backward_from_output)(const T* y, const T* dy, T* dx, std::size_t n,
                                    store_kind stores) noexcept;

  void (*relu6_forward)(const T* x, T* y, std::size_t n, store_kind stores) noexcept;
  void (*relu6_derivative)(const T* x, T* d, std::size_t n, store_kind stores) noexcept;
  void (*relu6_backward)(const T* x, const T* dy, T* dx, std::size_t n, store_kind stores) noexcept;
  void (*relu6_backward_from_output)(const T* y, const T* dy, T* dx, std::size_t n,
                                     store_kind stores) noexcept;

  void (*leaky_relu_forward)(const T* x, T* y, std::size_t n, T negative_slope,
                             store_kind stores) noexcept;
  void (*leaky_relu_derivative)(const T* x, T* d, std::size_t n, T negative_slope,
                                store_kind stores) noexcept;
  void (*leaky_relu_backward)(const T* x, const T* dy, T* dx, std::size_t n, T negative_slope,
                              store_kind stores) noexcept;
  void (*leaky_relu_backward_from_output)(const T* y, const T* dy, T* dx, std::size_t n,
                                          T negative_slope, store_kind stores) noexcept;

  void (*prelu_forward)(const T* x, T* y, std::size_t n, const T* w, std::size_t channels,
                        std::size_t inner, store_kind stores) noexcept;
  void (*prelu_derivative)(const T* x, T* d, std::size_t n, const T* w, std::size_t channels,
                           std::size_t inner, store_kind stores) noexcept;
  void (*prelu_backward)(const T* x, const T* dy, T* dx, std::size_t n, const T* w, T* dw,
                         std::size_t channels, std::size_t inner, store_kind stores) noexcept;
};

// Every kernel of one instruction set, under the name that RECTIFY_ISA and active_isa() use.
struct isa_kernels {
  const char* name;
  kernel_table<float> for_float;
  kernel_table<double> for_double;
};

// One per translation unit of the dispatch library, constant-initialised, so they are ready
// before any code runs. The baseline is SSE2 on x86-64 and NEON on aarch64.
extern const isa_kernels baseline_kernels;
#if defined(__x86_64__)
extern const isa_kernels avx2_kernels;
extern const isa_kernels avx512_kernels;
#endif

}  // namespace rectify::dispatch

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

template <class Arch, class T>
constexpr dispatch::kernel_table<T> kernel_table_for() noexcept {
  using k = kernels<Arch, T>;
  return {
      .relu_forward = &k::relu_forward,
      .relu_derivative = &k::relu_derivative,
      .relu_backward = &k::relu_backward,
      .relu_backward_from_output = &k::relu_backward_from_output,
      .relu6_forward = &k::relu6_forward,
      .relu6_derivative = &k::relu6_derivative,
      .relu6_backward = &k::relu6_backward,
      .relu6_backward_from_output = &k::relu6_backward_from_output,
      .leaky_relu_forward = &k::leaky_relu_forward,
      .leaky_relu_derivative = &k::leaky_relu_derivative,
      .leaky_relu_backward = &k::leaky_relu_backward,
      .leaky_relu_backward_from_output = &k::leaky_relu_backward_from_output,
      .prelu_forward = &k::prelu_forward,
      .prelu_derivative = &k::prelu_derivative,
      .prelu_backward = &k::prelu_backward,
  };
}

template <class Arch>
constexpr dispatch::isa_kernels isa_kernels_for(const char* name) noexcept {
  return {name, kernel_table_for<Arch, float>(), kernel_table_for<Arch, double>()};
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
