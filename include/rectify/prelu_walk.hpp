#pragma once
// PReLU's walk over channels: x is read as [outer][C][inner] and element i has the slope
// w[(i / inner) % C]. When the slopes of a whole slice (C * inner elements) fit on the stack,
// they are expanded once and the shared kernel loop reads them cyclically over the whole buffer;
// otherwise the walk cuts the buffer into rows of C (channels-last) or runs of one slope
// (channels-first) and hands each to the loop. Either way no element costs a division or a
// modulo.
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

// Channels-first runs shorter than this are too short for prelu_backward to sum one by one (a
// call of the loop per run is mostly head, tail and lane sums): it sums such layouts by rows like
// channels-last, with each slope repeated `inner` times.
inline constexpr std::size_t kMinRun = 32;

// Layouts whose slope pattern (C * inner elements, from channel 0) fits this many bytes are
// walked as one buffer, the pattern expanded on the stack and read cyclically; longer ones by
// rows of C (channels-last) or runs of one slope (channels-first). Expanding a long pattern
// costs about as much as the work on one slice of it: at C = 64, inner = 64 (4K elements) a
// 16 KiB pattern measured no faster than a loop call per run.
inline constexpr std::size_t kMaxPatternBytes = 8192;

// out[j] = the slope of element first + j of a layout, j in [0, count): w[c] repeated inner
// times, c wrapping at C. One division to find the start; the rest is copying.
template <class T>
inline void expand_slopes(T* out, std::size_t count, const T* w, std::size_t channels,
                          std::size_t inner, std::size_t first) noexcept {
  const std::size_t slice = channels * inner;  // divides the buffer's size, so no overflow
  if (first % slice == 0 && count > slice) {
    // One slice, then copies of what is written, doubling: a few loops the compiler
    // vectorises instead of one short loop per slice (a fifth of PReLU's backward for C = 3
    // at 4K floats).
    expand_slopes(out, slice, w, channels, inner, 0);
    for (std::size_t done = slice; done < count;) {
      const std::size_t m = smaller(done, count - done);
      for (std::size_t k = 0; k < m; ++k) out[done + k] = out[k];
      done += m;
    }
    return;
  }
  std::size_t c = first / inner % channels;
  std::size_t left = inner - first % inner;  // elements of channel c still to come
  for (std::size_t j = 0; j < count;) {
    if (inner == 1) {
      const std::size_t m = smaller(channels - c, count - j);
      for (std::size_t k = 0; k < m; ++k) out[j + k] = w[c + k];
      j += m;
      c = 0;
    } else {
      const std::size_t m = smaller(left, count - j);
      const T slope = w[c];
      // Blocks of a cache line's worth, one vector store or a few, while they stay within
      // count: what a block writes past this channel's elements, the next channel's stores
      // overwrite. One scalar store per element was half of PReLU's forward for inner = 7 at
      // 4K floats.
      constexpr std::size_t block = 64 / sizeof(T);
      if ((m + block - 1) / block * block <= count - j) {
        for (std::size_t k = 0; k < m; k += block) {
          for (std::size_t q = 0; q < block; ++q) out[j + k + q] = slope;
        }
      } else {
        for (std::size_t k = 0; k < m; ++k) out[j + k] = slope;
      }
      j += m;
      left = inner;
      c = c + 1 == channels ? 0 : c + 1;
    }
  }
}

// The shortest run of whole slices that is whole vectors of `lanes` (a power of two) too:
// lcm(slice, lanes), at most slice * lanes.
constexpr std::size_t whole_slices_and_vectors(std::size_t slice, std::size_t lanes) noexcept {
  std::size_t common = 1;  // the largest power of two dividing both
  while (common < lanes && slice % (2 * common) == 0) common *= 2;
  return slice / common * lanes;
}

// Calls run(offset, channel) for every channels-first run of `inner` elements.
template <class Run>
inline void for_each_run(std::size_t n, std::size_t channels, std::size_t inner, Run&& run) {
  for (std::size_t i = 0, c = 0; i < n; i += inner) {
    run(i, c);
    c = (c + 1 == channels) ? 0 : c + 1;
  }
}

// out = f(x, slope) over the layout: one pass over the whole buffer with the slope pattern
// read cyclically when it is short, else rows of C or runs of one slope.
template <class Arch, class T, class F>
inline void prelu_elementwise(F f, const T* x, T* out, std::size_t n, const T* w,
                              std::size_t channels, std::size_t inner, store_kind stores) {
  constexpr std::size_t step = kUnroll * xsimd::batch<T, Arch>::size;
  constexpr std::size_t max_pattern = kMaxPatternBytes / sizeof(T);
  static_assert(max_pattern >= 2 * step, "a period below step is repeated up to 2 * step");
  if (n == 0) return;
  const std::size_t slice = channels * inner;  // n is a multiple of it, so it does not overflow
  // One with_stores per walk: a single body holding all three walks measured 10-20% slower
  // for runs of 64 elements (GCC 12).
  if (slice <= max_pattern) {
    alignas(Arch::alignment()) T pattern[max_pattern + step];
    // The period is whole slices, and at least one unrolled step; whole vectors too when that
    // fits, so that every load of the pattern is aligned: at C = 3 and C = 67, loads that each
    // straddled two cache lines cost a third of the time at 4K floats.
    const std::size_t whole = whole_slices_and_vectors(slice, xsimd::batch<T, Arch>::size);
    const std::size_t unit = whole <= max_pattern ? whole : slice;
    const std::size_t period = unit >= step ? unit : (step + unit - 1) / unit * unit;
    expand_slopes(pattern, smaller(n, period + step), w, channels, inner, 0);
    with_stores(stores, [&](auto tag) {
      transform_cycling<Arch>(tag, f, out, n, cycle<T>{pattern, period}, x);
    });
  } else if (inner == 1) {
    with_stores(stores, [&](auto tag) {
      for (std::size_t i = 0; i < n; i += channels) {
        transform<Arch>(tag, f, out + i, channels, x + i, w);
      }
    });
  } else {
    with_stores(stores, [&](auto tag) {
      for_each_run(n, channels, inner, [&](std::size_t i, std::size_t c) RECTIFY_INLINE_LAMBDA {
        transform<Arch>(
            tag, [&f, slope = w[c]](auto v) { return f(v, decltype(v)(slope)); }, out + i, inner,
            x + i);
      });
    });
  }
}

template <class Arch, class T>
inline void prelu_forward(const T* x, T* y, std::size_t n, const T* w, std::size_t channels,
                          std::size_t inner, store_kind stores) {
  prelu_elementwise<Arch>([](auto v, auto slope) { return ops::leaky_relu::forward(v, slope); }, x,
                          y, n, w, channels, inner, stores);
}

template <class Arch, class T>
inline void prelu_derivative(const T* x, T* d, std::size_t n, const T* w, std::size_t channels,
                             std::size_t inner, store_kind stores) {
  prelu_elementwise<Arch>([](auto v, auto slope) { return ops::leaky_relu::derivative(v, slope); },
                          x, d, n, w, channels, inner, stores);
}

// How prelu_backward sums dw. Floating-point addition is not associative, so the order is fixed
// by the layout (n, C, inner) alone and cut into blocks whose sums are added into dw in index
// order: the parallel path hands whole blocks to threads, computes each block's contribution with
// this very walk, and adds them up in the same order, so dw has the same bits for any number of
// threads. The blocks:
// - one shared slope (C == 1) or channels-first with runs of at least kMinRun: each run of
//   `inner` elements of one channel, cut into pieces of at most kReductionPiece elements (a
//   shared slope is one run of n);
// - channels-last (inner == 1, C > 1) and channels-first with shorter runs: rows_per_block
//   consecutive rows of `row` elements (whole slices of C * inner), summed column by column; at
//   the block's end the columns are folded into their channel, in column order, and added into
//   dw, so that one block adds exactly one term to each dw[c] (or, for rows of C, each column
//   is one channel's term). The parallel path runs channels-first layouts with runs shorter than
//   kMinRun on the calling thread.
inline constexpr std::size_t kReductionPiece = 16384;

// At least this many rows per channels-last block keeps the per-block sums (C values) a small
// fraction of the data when the parallel path stores one set per block.
inline constexpr std::size_t kMinRowsPerBlock = 16;

// Rows shorter than this are mostly head and tail of the loop, so for short slices the row
// repeats the slice up to at least this many elements.
inline constexpr std::size_t kMinRow = kShortestRow;

// Rows are whole vectors of the widest instruction set (64 bytes) whenever such a row of whole
// slices fits this many bytes on the stack: then a block is one pass of the loop, its columns
// read cyclically, whatever the instruction set of the call (so the blocks are the same for
// all of them). Longer rows are walked one by one, in strips of kColumnStrip columns.
inline constexpr std::size_t kMaxRowBytes = 8192;
inline constexpr std::size_t kWidestVectorBytes = 64;

// Columns of long rows are summed this many at a time in a stack buffer.
inline constexpr std::size_t kColumnStrip = 512;

struct channels_last_blocks {
  std::size_t row;             // whole slices: see channels_last_blocking
  std::size_t rows_per_block;  // fixed by row alone
  bool cyclic;                 // a block is walked as one pass, its row on the stack
  std::size_t elements() const noexcept { return row * rows_per_block; }
};

// slice = C * inner, which is C for channels-last. The row is the shortest run of whole slices
// that is whole widest vectors and at least kMinRow long, if it fits kMaxRowBytes; else the
// slice (or whole repeats of it reaching kMinRow).
template <class T>
inline channels_last_blocks channels_last_blocking(std::size_t slice) noexcept {
  const std::size_t unit = whole_slices_and_vectors(slice, kWidestVectorBytes / sizeof(T));
  const bool cyclic = unit <= kMaxRowBytes / sizeof(T);
  const std::size_t base = cyclic ? unit : slice;
  const std::size_t row = base >= kMinRow ? base : (kMinRow + base - 1) / base * base;
  const std::size_t rows = (kReductionPiece + row - 1) / row;
  return {row, rows > kMinRowsPerBlock ? rows : kMinRowsPerBlock, cyclic};
}

// A shared slope makes the whole buffer one channel, whatever inner the caller passed.
inline bool sums_by_runs(std::size_t channels, std::size_t inner) noexcept {
  return channels == 1 || inner >= kMinRun;
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

// dw is overwritten. Each element's slope gradient is gathered before its dx is written, so dx
// may be the very same buffer as x or dy.
template <class Arch, class T>
inline void prelu_backward(const T* x, const T* dy, T* dx, std::size_t n, const T* w, T* dw,
                           std::size_t channels, std::size_t inner, store_kind stores) {
  auto grad = [](auto v, auto g, auto slope) { return ops::leaky_relu::backward(v, g, slope); };
  auto slope_grad = [](auto v, auto g) { return ops::leaky_relu::slope_gradient(v, g); };
  for (std::size_t c = 0; c < channels; ++c) {
    dw[c] = T(0);
  }
  if (n == 0) return;
  if (sums_by_runs(channels, inner)) {
    const std::size_t run = channels == 1 ? n : inner;
    with_stores(stores, [&](auto tag) {
      for_each_run(n, channels, run, [&](std::size_t i, std::size_t c) RECTIFY_INLINE_LAMBDA {
        for (std::size_t piece = 0; piece < run; piece += kReductionPiece) {
          const std::size_t len = smaller(kReductionPiece, run - piece);
          const std::size_t at = i + piece;
          dw[c] += transform_accumulate<Arch>(
              tag, [&grad, slope = w[c]](auto v, auto g) { return grad(v, g, decltype(v)(slope)); },
              slope_grad, dx + at, len, x + at, dy + at);
        }
      });
    });
    settle_nan_sums(dw, channels);
    return;
  }
  const std::size_t slice = channels * inner;
  const channels_last_blocks blocks = channels_last_blocking<T>(slice);
  const std::size_t row = blocks.row;
  auto row_slope_grad = [&slope_grad](auto v, auto g, auto) { return slope_grad(v, g); };
  // Adds a block's column sums (columns [column, column + width) of the row) into dw.
  T block_sums[kMaxRowBytes / sizeof(T)];
  auto fold = [&](const T* column_sums, std::size_t column, std::size_t width) {
    if (row == channels) {
      for (std::size_t j = 0; j < width; ++j) {
        dw[column + j] += column_sums[j];
      }
      return;
    }
    if (blocks.cyclic && inner == 1) {
      // width is whole rows of C. The additions of the general case below, a vector of
      // channels at a time with their sums in a register: through memory, row after row, each
      // row's sums were stored and read back by the next row, a chain of round trips that cost
      // C = 3 a fifth and C = 67 an eighth of their time at 4K floats.
      using batch = xsimd::batch<T, Arch>;
      std::size_t c = 0;
      for (; c + batch::size <= channels; c += batch::size) {
        batch sum(T(0));
        for (std::size_t j = 0; j < width; j += channels) {
          sum += batch::load_unaligned(column_sums + j + c);
        }
        (batch::load_unaligned(dw + c) + sum).store_unaligned(dw + c);
      }
      for (; c < channels; ++c) {
        T sum = T(0);
        for (std::size_t j = c; j < width; j += channels) sum += column_sums[j];
        dw[c] += sum;
      }
      return;
    }
    if (blocks.cyclic) {
      for (std::size_t c = 0; c < channels; ++c) block_sums[c] = T(0);
    }
    // Each column into its channel, one division to find the first. A channel's run of columns
    // is added in a register, not through memory where each addition waits on the store of the
    // one before it.
    for (std::size_t j = 0, c = column / inner % channels, k = column % inner; j < width;) {
      const std::size_t m = smaller(inner - k, width - j);
      T& total = blocks.cyclic ? block_sums[c] : dw[c];
      T sum = total;
      for (std::size_t q = 0; q < m; ++q) sum += column_sums[j + q];
      total = sum;
      j += m;
      k = 0;
      c = c + 1 == channels ? 0 : c + 1;
    }
    if (blocks.cyclic) {
      for (std::size_t c = 0; c < channels; ++c) dw[c] += block_sums[c];
    }
  };
  with_stores(stores, [&](auto tag) {
    if (blocks.cyclic) {
      // The whole row's slopes and column sums on the stack; a block is one pass.
      alignas(Arch::alignment()) T slopes[kMaxRowBytes / sizeof(T)];
      alignas(Arch::alignment()) T column_sums[kMaxRowBytes / sizeof(T)];
      expand_slopes(slopes, smaller(n, row), w, channels, inner, 0);
      for (std::size_t begin = 0; begin < n; begin += blocks.elements()) {
        const std::size_t len = smaller(n - begin, blocks.elements());
        const std::size_t width = smaller(len, row);
        for (std::size_t j = 0; j < width; ++j) column_sums[j] = T(0);
        transform_and_add<Arch>(tag, grad, row_slope_grad, dx + begin, column_sums,
                                cycle<T>{slopes, row}, len, x + begin, dy + begin);
        fold(column_sums, 0, width);
      }
      return;
    }
    // Long rows (a slice of over kMinRow elements), one by one in strips of columns; the slopes
    // of a strip are w itself for rows of C, else expanded once per strip and block.
    alignas(Arch::alignment()) T expanded[kColumnStrip];
    for (std::size_t begin = 0; begin < n; begin += blocks.elements()) {
      const std::size_t end = smaller(n, begin + blocks.elements());
      for (std::size_t column = 0; column < row; column += kColumnStrip) {
        const std::size_t width = smaller(kColumnStrip, row - column);
        const T* slopes = w + column;
        if (inner != 1) {
          expand_slopes(expanded, width, w, channels, inner, column);
          slopes = expanded;
        }
        alignas(Arch::alignment()) T column_sums[kColumnStrip] = {};
        for (std::size_t i = begin; i < end; i += row) {
          const std::size_t at = i + column;
          transform_and_add<Arch>(tag, grad, row_slope_grad, dx + at, column_sums,
                                  cycle<T>{slopes, 0}, width, x + at, dy + at);
        }
        fold(column_sums, column, width);
      }
    }
  });
  settle_nan_sums(dw, channels);
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
