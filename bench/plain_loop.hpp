#pragma once
// The plain scalar loops: what a user writes without a library, one element at a time, with the
// semantics of the tests' scalar reference, compiled with the benchmark's flags. Whether the
// compiler vectorised them is up to the compiler; the report reads it from the binary, which is
// why each loop is a function of its own (noinline) with a name the report can find.

#include <cstddef>
#include <type_traits>

#include "kernel_list.hpp"
#include "reference.hpp"

// In the inline namespace of the rectify build of the including file (harness.hpp says why): the
// dispatch contestant's file, compiled without -march, instantiates these loops for its check,
// and its copies must not replace the plain loop contestant's.
namespace bench::inline RECTIFY_TARGET_NAMESPACE::plain_loop {

// The slope products as a user writes them: a plain multiply, which the compiler may vectorise.
// (The tests' reference multiplies through a volatile to pin down NaN bits, which would make it
// a slow baseline; the benchmark's inputs are finite, where both give the same numbers.)
template <class T> T leaky_relu_forward(T x, T s) { return x > 0 ? x : x * s; }
template <class T> T leaky_relu_backward(T x, T dy, T s) { return x > 0 ? dy : dy * s; }
template <class T> T slope_gradient_term(T x, T dy) { return x > 0 ? T(0) : x * dy; }

template <class Kernel, class T>
T formula(T x, T dy, T slope) {
  if constexpr (std::is_same_v<Kernel, testing::leaky_relu_forward_k>) {
    return leaky_relu_forward(x, slope);
  } else if constexpr (std::is_same_v<Kernel, testing::leaky_relu_backward_k> ||
                       std::is_same_v<Kernel, testing::leaky_relu_backward_from_output_k>) {
    return leaky_relu_backward(x, dy, slope);
  } else {
    return Kernel::ref(x, dy, slope);
  }
}

template <class Kernel, class T>
[[gnu::noinline]] void elementwise(const T* x, const T* dy, T* out, std::size_t n, T slope) {
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (Kernel::inputs == 1) {
      out[i] = formula<Kernel>(x[i], T(0), slope);
    } else {
      out[i] = formula<Kernel>(x[i], dy[i], slope);
    }
  }
}

// PReLU over [outer][C][inner] with inner > 1: one slope per run of `inner` elements.
template <class T>
[[gnu::noinline]] void prelu_forward_channels_first(const T* x, T* y, std::size_t n, const T* w,
                                                    std::size_t channels, std::size_t inner) {
  for (std::size_t i = 0; i < n;) {
    for (std::size_t c = 0; c < channels; ++c) {
      for (std::size_t end = i + inner; i < end; ++i) {
        y[i] = leaky_relu_forward(x[i], w[c]);
      }
    }
  }
}

template <class T>
[[gnu::noinline]] void prelu_derivative_channels_first(const T* x, T* d, std::size_t n, const T* w,
                                                       std::size_t channels, std::size_t inner) {
  for (std::size_t i = 0; i < n;) {
    for (std::size_t c = 0; c < channels; ++c) {
      for (std::size_t end = i + inner; i < end; ++i) {
        d[i] = reference::leaky_relu_derivative(x[i], w[c]);
      }
    }
  }
}

template <class T>
[[gnu::noinline]] void prelu_backward_channels_first(const T* x, const T* dy, T* dx, std::size_t n,
                                                     const T* w, T* dw, std::size_t channels,
                                                     std::size_t inner) {
  for (std::size_t c = 0; c < channels; ++c) {
    dw[c] = T(0);
  }
  for (std::size_t i = 0; i < n;) {
    for (std::size_t c = 0; c < channels; ++c) {
      T sum = T(0);
      for (std::size_t end = i + inner; i < end; ++i) {
        sum += slope_gradient_term(x[i], dy[i]);
        dx[i] = leaky_relu_backward(x[i], dy[i], w[c]);
      }
      dw[c] += sum;
    }
  }
}

// PReLU channels-last (inner = 1): the slope index runs along each row of `channels` elements.
template <class T>
[[gnu::noinline]] void prelu_forward_channels_last(const T* x, T* y, std::size_t n, const T* w,
                                                   std::size_t channels) {
  for (std::size_t row = 0; row < n; row += channels) {
    for (std::size_t c = 0; c < channels; ++c) {
      y[row + c] = leaky_relu_forward(x[row + c], w[c]);
    }
  }
}

template <class T>
[[gnu::noinline]] void prelu_derivative_channels_last(const T* x, T* d, std::size_t n, const T* w,
                                                      std::size_t channels) {
  for (std::size_t row = 0; row < n; row += channels) {
    for (std::size_t c = 0; c < channels; ++c) {
      d[row + c] = reference::leaky_relu_derivative(x[row + c], w[c]);
    }
  }
}

template <class T>
[[gnu::noinline]] void prelu_backward_channels_last(const T* x, const T* dy, T* dx, std::size_t n,
                                                    const T* w, T* dw, std::size_t channels) {
  for (std::size_t c = 0; c < channels; ++c) {
    dw[c] = T(0);
  }
  for (std::size_t row = 0; row < n; row += channels) {
    for (std::size_t c = 0; c < channels; ++c) {
      dw[c] += slope_gradient_term(x[row + c], dy[row + c]);
      dx[row + c] = leaky_relu_backward(x[row + c], dy[row + c], w[c]);
    }
  }
}

}  // namespace bench::inline RECTIFY_TARGET_NAMESPACE::plain_loop
