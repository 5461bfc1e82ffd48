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
#include <limits>

#include "activations.hpp"
#include "kernel_loop.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

// std::min, kept out for the reason above.
constexpr std::size_t smaller(std::size_t a, std::size_t b) noexcept { return b < a ? b : a; }

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
    piece(i, smaller(row, n - i), static_cast<const T*>(pattern));
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

// How prelu_backward sums dw. Floating-point addition is not associative, so the order is fixed
// by the layout (n, C, inner) alone and cut into blocks whose sums are added into dw in index
// order: the parallel path hands whole blocks to threads, computes each block's contribution with
// this very walk, and adds them up in the same order, so dw has the same bits for any number of
// threads. The blocks:
// - one shared slope (C == 1) or channels-first (inner > 1): each run of `inner` elements of one
//   channel, cut into pieces of at most kReductionPiece elements (a shared slope is one run of n);
// - channels-last (inner == 1, C > 1): rows_per_block consecutive rows of `row` elements, summed
//   column by column, the columns of a repeated row folded into their channel at the block's end.
inline constexpr std::size_t kReductionPiece = 16384;

// At least this many rows per channels-last block keeps the per-block sums (C values) a small
// fraction of the data when the parallel path stores one set per block.
inline constexpr std::size_t kMinRowsPerBlock = 16;

// Channels-last columns are summed this many at a time in a stack buffer; rows up to this long
// are walked contiguously.
inline constexpr std::size_t kColumnStrip = 512;

struct channels_last_blocks {
  std::size_t row;             // C, or whole repeats of w reaching kMinRow when C is smaller
  std::size_t rows_per_block;  // fixed by row alone
  std::size_t elements() const noexcept { return row * rows_per_block; }
};

inline channels_last_blocks channels_last_blocking(std::size_t channels) noexcept {
  const std::size_t row =
      channels >= kMinRow ? channels : (kMinRow + channels - 1) / channels * channels;
  const std::size_t rows = (kReductionPiece + row - 1) / row;
  return {row, rows > kMinRowsPerBlock ? rows : kMinRowsPerBlock};
}

// A shared slope makes the whole buffer one channel, whatever inner the caller passed.
inline bool sums_by_runs(std::size_t channels, std::size_t inner) noexcept {
  return channels == 1 || inner > 1;
}

// When two NaNs meet in a sum, which one it returns depends on the order of the operands in the
// instruction, which the compiler chooses at each call site. So a NaN dw is always returned as
// the one quiet NaN: its bits then depend neither on how the sums were grouped nor on the code
// that added them.
template <class T>
inline void settle_nan_sums(T* dw, std::size_t channels) noexcept {
  // A constant, so that no numeric_limits function is compiled per instruction set.
  constexpr T quiet_nan = std::numeric_limits<T>::quiet_NaN();
  for (std::size_t c = 0; c < channels; ++c) {
    if (dw[c] != dw[c]) dw[c] = quiet_nan;
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
  if (sums_by_runs(channels, inner)) {
    const std::size_t run = channels == 1 ? n : inner;
    for_each_run(n, channels, run, [&](std::size_t i, std::size_t c) {
      for (std::size_t piece = 0; piece < run; piece += kReductionPiece) {
        const std::size_t len = smaller(kReductionPiece, run - piece);
        const std::size_t at = i + piece;
        dw[c] += accumulate<Arch, T>(slope_grad, len, x + at, dy + at);
        transform<Arch>(
            [&grad, slope = w[c]](auto v, auto g) { return grad(v, g, decltype(v)(slope)); },
            dx + at, len, x + at, dy + at);
      }
    });
    settle_nan_sums(dw, channels);
    return;
  }
  const channels_last_blocks blocks = channels_last_blocking(channels);
  const std::size_t row = blocks.row;
  T pattern[2 * kMinRow];
  const T* slopes = w;
  if (row != channels) {
    for (std::size_t j = 0; j < row; ++j) {
      pattern[j] = w[j % channels];
    }
    slopes = pattern;
  }
  for (std::size_t begin = 0; begin < n; begin += blocks.elements()) {
    const std::size_t end = smaller(n, begin + blocks.elements());
    for (std::size_t column = 0; column < row; column += kColumnStrip) {
      const std::size_t width = smaller(kColumnStrip, row - column);
      T column_sums[kColumnStrip] = {};
      // The last row of a repeated pattern may be cut short (after a whole number of channels).
      for (std::size_t i = begin; i < end && end - i > column; i += row) {
        const std::size_t len = smaller(width, end - i - column);
        const std::size_t at = i + column;
        transform<Arch>([&](auto v, auto g, auto s) { return s + slope_grad(v, g); }, column_sums,
                        len, x + at, dy + at, static_cast<const T*>(column_sums));
        transform<Arch>(grad, dx + at, len, x + at, dy + at, slopes + column);
      }
      if (row == channels) {
        for (std::size_t j = 0; j < width; ++j) {
          dw[column + j] += column_sums[j];
        }
      } else {
        // A repeated row fits one strip: fold its columns into their channel, then add the
        // block's channel sums, so one block adds exactly one term to each dw[c].
        T block_sums[kMinRow] = {};
        for (std::size_t j = 0; j < width; ++j) {
          block_sums[j % channels] += column_sums[j];
        }
        for (std::size_t c = 0; c < channels; ++c) {
          dw[c] += block_sums[c];
        }
      }
    }
  }
  settle_nan_sums(dw, channels);
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
