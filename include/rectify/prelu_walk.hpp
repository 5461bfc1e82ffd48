#pragma once
// PReLU's walk over channels: x is read as [outer][C][inner] and element i has the slope
// w[(i / inner) % C]. The walk cuts the buffer into pieces that have either one slope
// (channels-first, inner > 1: a run of `inner` elements) or a slope pattern that starts at
// channel 0 (channels-last, inner == 1: a row), and hands each piece to the shared kernel loop,
// so no element costs a division or a modulo.
//
// No standard algorithms here, nor in any kernel: the dispatch library compiles this code once
// per instruction set, and an unoptimised std::fill<float*> compiled with AVX-512 flags would be
// the very symbol every other translation unit's std::fill<float*> resolves to (config.hpp).

#include <cstddef>

#include "activations.hpp"
#include "kernel_loop.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

// Channels-last rows shorter than this are mostly scalar tail, so for few channels the slope
// pattern is repeated into a row of at least this many elements first (on the stack).
inline constexpr std::size_t kMinRow = 128;

// Calls piece(offset, length, slopes) over x's channels-last layout, where slopes[j] is the
// slope of element offset + j. The pattern buffer holds whole repeats of w.
template <class T, class Piece>
inline void for_each_row(std::size_t n, const T* w, std::size_t channels, Piece&& piece) {
  if (channels >= kMinRow) {
    for (std::size_t i = 0; i < n; i += channels) {
      piece(i, channels, w);
    }
    return;
  }
  T pattern[2 * kMinRow];
  const std::size_t row = (kMinRow + channels - 1) / channels * channels;
  for (std::size_t j = 0; j < row; ++j) {
    pattern[j] = w[j % channels];
  }
  for (std::size_t i = 0; i < n; i += row) {
    piece(i, n - i < row ? n - i : row, static_cast<const T*>(pattern));
  }
}

// Calls run(offset, channel) for every channels-first run of `inner` elements.
template <class Run>
inline void for_each_run(std::size_t n, std::size_t channels, std::size_t inner, Run&& run) {
  for (std::size_t i = 0, c = 0; i < n; i += inner) {
    run(i, c);
    c = (c + 1 == channels) ? 0 : c + 1;
  }
}

template <class Arch, class T>
inline void prelu_forward(const T* x, T* y, std::size_t n, const T* w, std::size_t channels,
                          std::size_t inner) {
  auto f = [](auto v, auto slope) { return ops::leaky_relu::forward(v, slope); };
  if (inner == 1) {
    with_stores(should_stream(y, n, x), [&](auto stores) {
      for_each_row(n, w, channels, [&](std::size_t i, std::size_t len, const T* slopes) {
        transform<Arch>(stores, f, y + i, len, x + i, slopes);
      });
    });
  } else {
    with_stores(should_stream(y, n, x), [&](auto stores) {
      for_each_run(n, channels, inner, [&](std::size_t i, std::size_t c) {
        transform<Arch>(
            stores, [&f, slope = w[c]](auto v) { return f(v, decltype(v)(slope)); }, y + i, inner,
            x + i);
      });
    });
  }
}

template <class Arch, class T>
inline void prelu_derivative(const T* x, T* d, std::size_t n, const T* w, std::size_t channels,
                             std::size_t inner) {
  auto f = [](auto v, auto slope) { return ops::leaky_relu::derivative(v, slope); };
  if (inner == 1) {
    with_stores(should_stream(d, n, x), [&](auto stores) {
      for_each_row(n, w, channels, [&](std::size_t i, std::size_t len, const T* slopes) {
        transform<Arch>(stores, f, d + i, len, x + i, slopes);
      });
    });
  } else {
    with_stores(should_stream(d, n, x), [&](auto stores) {
      for_each_run(n, channels, inner, [&](std::size_t i, std::size_t c) {
        transform<Arch>(
            stores, [&f, slope = w[c]](auto v) { return f(v, decltype(v)(slope)); }, d + i, inner,
            x + i);
      });
    });
  }
}

// dw is overwritten. Each piece's slope gradient is gathered before its dx is written, so dx
// may be the very same buffer as x or dy.
template <class Arch, class T>
inline void prelu_backward(const T* x, const T* dy, T* dx, std::size_t n, const T* w, T* dw,
                           std::size_t channels, std::size_t inner) {
  auto grad = [](auto v, auto g, auto slope) { return ops::leaky_relu::backward(v, g, slope); };
  auto slope_grad = [](auto v, auto g) { return ops::leaky_relu::slope_gradient(v, g); };
  for (std::size_t c = 0; c < channels; ++c) {
    dw[c] = T(0);
  }
  if (inner == 1) {
    // Per-position partial sums over the rows, folded into dw at the end; for many channels dw
    // itself holds them.
    T partial[2 * kMinRow] = {};
    T* sums = channels >= kMinRow ? dw : partial;
    for_each_row(n, w, channels, [&](std::size_t i, std::size_t len, const T* slopes) {
      transform<Arch>([&](auto v, auto g, auto s) { return s + slope_grad(v, g); }, sums, len,
                      x + i, dy + i, static_cast<const T*>(sums));
      transform<Arch>(grad, dx + i, len, x + i, dy + i, slopes);
    });
    if (sums == partial) {
      for (std::size_t j = 0; j < 2 * kMinRow; ++j) {
        dw[j % channels] += partial[j];
      }
    }
  } else {
    for_each_run(n, channels, inner, [&](std::size_t i, std::size_t c) {
      dw[c] += accumulate<Arch, T>(slope_grad, inner, x + i, dy + i);
      transform<Arch>(
          [&grad, slope = w[c]](auto v, auto g) { return grad(v, g, decltype(v)(slope)); }, dx + i,
          inner, x + i, dy + i);
    });
  }
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
