#pragma once
// The plain scalar loops: what a user writes without a library, one element at a time, with the
// semantics of the tests' scalar reference, compiled with the benchmark's flags. Whether the
// compiler vectorised them is up to the compiler; the report reads it from the binary, which is
// why each loop is a function of its own (noinline) with a name the report can find.

#include <cstddef>

#include "reference.hpp"

namespace bench::plain_loop {

template <class Kernel, class T>
[[gnu::noinline]] void elementwise(const T* x, const T* dy, T* out, std::size_t n, T slope) {
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (Kernel::inputs == 1) {
      out[i] = Kernel::ref(x[i], T(0), slope);
    } else {
      out[i] = Kernel::ref(x[i], dy[i], slope);
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
        y[i] = reference::leaky_relu_forward(x[i], w[c]);
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
        sum += reference::prelu_slope_gradient_term(x[i], dy[i]);
        dx[i] = reference::leaky_relu_backward(x[i], dy[i], w[c]);
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
      y[row + c] = reference::leaky_relu_forward(x[row + c], w[c]);
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
      dw[c] += reference::prelu_slope_gradient_term(x[row + c], dy[row + c]);
      dx[row + c] = reference::leaky_relu_backward(x[row + c], dy[row + c], w[c]);
    }
  }
}

}  // namespace bench::plain_loop
