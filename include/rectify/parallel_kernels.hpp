#pragma once
// Every kernel of kernels.hpp split over an executor, on raw pointers, after validation: the
// buffer is cut into ranges that are handed to the serial kernels of the same (Arch, T), so
// parallel and serial calls run the very same loops and give the same bits.
//
// Elementwise kernels cut the output at 64-byte boundaries, so no two threads write one cache
// line. PReLU's backward cuts at the blocks in which prelu_walk.hpp sums dw, whose sums are then
// added in the same order as the serial walk adds them; those cuts follow the layout, not the
// address, so dw does not depend on where the buffers sit in memory.
//
// Every range is written with the kind of stores the caller chose for the whole output
// (choose_stores, kernel_loop.hpp): an output too large for the cache is streamed by every
// thread, even though each range alone (a quarter of a thread's share, or less) might fit.

#include "config.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "executor.hpp"
#include "kernel_loop.hpp"
#include "kernels.hpp"
#include "prelu_walk.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

inline constexpr std::size_t kCacheLine = 64;

// Elementwise work is counted in units of 64 cache lines of output, the first unit stretched to
// end on a cache-line boundary.
inline constexpr std::size_t kUnitBytes = 64 * kCacheLine;

template <class T>
class cache_line_units {
 public:
  cache_line_units(const T* out, std::size_t n) noexcept : n_(n) {
    const auto misalignment = reinterpret_cast<std::uintptr_t>(out) % kCacheLine;
    head_ = std::min(n, (kCacheLine - misalignment) % kCacheLine / sizeof(T));
  }
  static constexpr std::size_t elements_per_unit() noexcept { return kUnitBytes / sizeof(T); }
  std::size_t count() const noexcept {
    const std::size_t rest = n_ - head_;
    return std::max<std::size_t>(1, (rest + elements_per_unit() - 1) / elements_per_unit());
  }
  // The first element of unit k (of count() for the end).
  std::size_t start(std::size_t k) const noexcept {
    return k == 0 ? 0 : std::min(n_, head_ + k * elements_per_unit());
  }

 private:
  std::size_t n_;
  std::size_t head_;
};

// The grain in units of `unit_elements` elements, at least one.
inline std::size_t grain_in_units(std::size_t grain, std::size_t unit_elements) noexcept {
  return std::max<std::size_t>(1, grain / unit_elements);
}

// Runs run(begin, end) over element ranges of [0, n) whose inner ends are cache-line boundaries
// of `out`.
template <class Policy, class T, class Run>
inline void split_elementwise(Policy& policy, const T* out, std::size_t n, Run run) {
  if (policy.runs_serially(n)) {
    run(std::size_t(0), n);
    return;
  }
  const cache_line_units<T> units(out, n);
  auto range = [&](std::size_t first, std::size_t last) noexcept {
    run(units.start(first), units.start(last));
  };
  policy.get_executor().parallel_for(units.count(),
                                     grain_in_units(policy.grain(), units.elements_per_unit()),
                                     range_function(range));
}

// Calls piece(begin, length, first_channel, channels, inner) over [begin, end) of a PReLU buffer
// read as [outer][C][inner], so that each piece, given w + first_channel, is a layout the serial
// walk starts from channel 0: part of one run (one slope), whole runs of one outer slice, or
// whole slices.
template <class Piece>
inline void for_each_prelu_piece(std::size_t begin, std::size_t end, std::size_t channels,
                                 std::size_t inner, Piece&& piece) {
  const std::size_t slice = channels * inner;
  std::size_t i = begin;
  while (i < end) {
    const std::size_t channel = i / inner % channels;
    const std::size_t into_run = i % inner;
    const std::size_t slice_end = std::min(end, (i / slice + 1) * slice);
    if (into_run != 0 || slice_end - i < inner) {
      const std::size_t length = std::min(slice_end, i - into_run + inner) - i;
      piece(i, length, channel, std::size_t(1), length);
      i += length;
    } else if (channel == 0 && end - i >= slice) {
      const std::size_t length = (end - i) / slice * slice;
      piece(i, length, std::size_t(0), channels, inner);
      i += length;
    } else {
      const std::size_t runs = (slice_end - i) / inner;
      piece(i, runs * inner, channel, runs, inner);
      i += runs * inner;
    }
  }
}

// PReLU's backward runs in parallel only when its blocks are long enough: shorter runs would
// make the per-run sums kept for the final ordered addition a large share of the data. Such
// layouts (1 < inner < kMinRun with several channels) are summed as rows of whole slices, each
// column straight into dw (prelu_walk.hpp), and run on the calling thread.

template <class Arch, class T>
struct parallel_kernels {
  using serial = kernels<Arch, T>;

  template <class Policy>
  static void relu_forward(Policy& policy, const T* x, T* y, std::size_t n, store_kind stores) {
    split_elementwise(policy, y, n, [=](std::size_t begin, std::size_t end) {
      serial::relu_forward(x + begin, y + begin, end - begin, stores);
    });
  }
  template <class Policy>
  static void relu_derivative(Policy& policy, const T* x, T* d, std::size_t n, store_kind stores) {
    split_elementwise(policy, d, n, [=](std::size_t begin, std::size_t end) {
      serial::relu_derivative(x + begin, d + begin, end - begin, stores);
    });
  }
  template <class Policy>
  static void relu_backward(Policy& policy, const T* x, const T* dy, T* dx, std::size_t n,
                            store_kind stores) {
    split_elementwise(policy, dx, n, [=](std::size_t begin, std::size_t end) {
      serial::relu_backward(x + begin, dy + begin, dx + begin, end - begin, stores);
    });
  }
  template <class Policy>
  static void relu_backward_from_output(Policy& policy, const T* y, const T* dy, T* dx,
                                        std::size_t n, store_kind stores) {
    split_elementwise(policy, dx, n, [=](std::size_t begin, std::size_t end) {
      serial::relu_backward_from_output(y + begin, dy + begin, dx + begin, end - begin, stores);
    });
  }

  template <class Policy>
  static void relu6_forward(Policy& policy, const T* x, T* y, std::size_t n, store_kind stores) {
    split_elementwise(policy, y, n, [=](std::size_t begin, std::size_t end) {
      serial::relu6_forward(x + begin, y + begin, end - begin, stores);
    });
  }
  template <class Policy>
  static void relu6_derivative(Policy& policy, const T* x, T* d, std::size_t n, store_kind stores) {
    split_elementwise(policy, d, n, [=](std::size_t begin, std::size_t end) {
      serial::relu6_derivative(x + begin, d + begin, end - begin, stores);
    });
  }
  template <class Policy>
  static void relu6_backward(Policy& policy, const T* x, const T* dy, T* dx, std::size_t n,
                             store_kind stores) {
    split_elementwise(policy, dx, n, [=](std::size_t begin, std::size_t end) {
      serial::relu6_backward(x + begin, dy + begin, dx + begin, end - begin, stores);
    });
  }
  template <class Policy>
  static void relu6_backward_from_output(Policy& policy, const T* y, const T* dy, T* dx,
                                         std::size_t n, store_kind stores) {
    split_elementwise(policy, dx, n, [=](std::size_t begin, std::size_t end) {
      serial::relu6_backward_from_output(y + begin, dy + begin, dx + begin, end - begin, stores);
    });
  }

  template <class Policy>
  static void leaky_relu_forward(Policy& policy, const T* x, T* y, std::size_t n, T s,
                                 store_kind stores) {
    split_elementwise(policy, y, n, [=](std::size_t begin, std::size_t end) {
      serial::leaky_relu_forward(x + begin, y + begin, end - begin, s, stores);
    });
  }
  template <class Policy>
  static void leaky_relu_derivative(Policy& policy, const T* x, T* d, std::size_t n, T s,
                                    store_kind stores) {
    split_elementwise(policy, d, n, [=](std::size_t begin, std::size_t end) {
      serial::leaky_relu_derivative(x + begin, d + begin, end - begin, s, stores);
    });
  }
  template <class Policy>
  static void leaky_relu_backward(Policy& policy, const T* x, const T* dy, T* dx, std::size_t n,
                                  T s, store_kind stores) {
    split_elementwise(policy, dx, n, [=](std::size_t begin, std::size_t end) {
      serial::leaky_relu_backward(x + begin, dy + begin, dx + begin, end - begin, s, stores);
    });
  }
  template <class Policy>
  static void leaky_relu_backward_from_output(Policy& policy, const T* y, const T* dy, T* dx,
                                              std::size_t n, T s, store_kind stores) {
    split_elementwise(policy, dx, n, [=](std::size_t begin, std::size_t end) {
      serial::leaky_relu_backward_from_output(y + begin, dy + begin, dx + begin, end - begin, s,
                                              stores);
    });
  }

  template <class Policy>
  static void prelu_forward(Policy& policy, const T* x, T* y, std::size_t n, const T* w,
                            std::size_t channels, std::size_t inner, store_kind stores) {
    split_elementwise(policy, y, n, [=](std::size_t begin, std::size_t end) {
      for_each_prelu_piece(begin, end, channels, inner,
                           [=](std::size_t at, std::size_t length, std::size_t first_channel,
                               std::size_t piece_channels, std::size_t piece_inner) {
                             serial::prelu_forward(x + at, y + at, length, w + first_channel,
                                                   piece_channels, piece_inner, stores);
                           });
    });
  }
  template <class Policy>
  static void prelu_derivative(Policy& policy, const T* x, T* d, std::size_t n, const T* w,
                               std::size_t channels, std::size_t inner, store_kind stores) {
    split_elementwise(policy, d, n, [=](std::size_t begin, std::size_t end) {
      for_each_prelu_piece(begin, end, channels, inner,
                           [=](std::size_t at, std::size_t length, std::size_t first_channel,
                               std::size_t piece_channels, std::size_t piece_inner) {
                             serial::prelu_derivative(x + at, d + at, length, w + first_channel,
                                                      piece_channels, piece_inner, stores);
                           });
    });
  }

  // Each block's contribution to dw is computed by the serial walk on that block alone, kept,
  // and added into dw in block order after the threads are done: the additions the serial walk
  // makes, in its order. The kept sums are allocated before any thread starts.
  template <class Policy>
  static void prelu_backward(Policy& policy, const T* x, const T* dy, T* dx, std::size_t n,
                             const T* w, T* dw, std::size_t channels, std::size_t inner,
                             store_kind stores) {
    if (policy.runs_serially(n) || (channels > 1 && inner > 1 && inner < kMinRun)) {
      serial::prelu_backward(x, dy, dx, n, w, dw, channels, inner, stores);
    } else if (sums_by_runs(channels, inner)) {
      prelu_backward_by_runs(policy, x, dy, dx, n, w, dw, channels, channels == 1 ? n : inner,
                             stores);
    } else {
      prelu_backward_by_rows(policy, x, dy, dx, n, w, dw, channels, stores);
    }
  }

 private:
  // One term per channel, added as the serial walk adds it (a NaN's payload is settled after).
  static void add_sums(T* dw, const T* terms, std::size_t channels) noexcept {
    for (std::size_t c = 0; c < channels; ++c) {
      dw[c] += terms[c];
    }
  }

  // dw[c] = the sum, over the runs of channel c in order and the pieces of each run in order,
  // of the piece's sum. Work is counted in pieces.
  template <class Policy>
  static void prelu_backward_by_runs(Policy& policy, const T* x, const T* dy, T* dx, std::size_t n,
                                     const T* w, T* dw, std::size_t channels, std::size_t run,
                                     store_kind stores) {
    const std::size_t pieces_per_run = (run + kReductionPiece - 1) / kReductionPiece;
    const std::size_t runs = n / run;
    const std::size_t pieces = runs * pieces_per_run;
    const auto piece_sums = std::make_unique_for_overwrite<T[]>(pieces);
    T* sums = piece_sums.get();
    auto range = [=](std::size_t first, std::size_t last) noexcept {
      if (pieces_per_run == 1) {
        // Whole runs: one serial call per stretch of runs within an outer slice, which leaves
        // each run's sum in sums[run].
        for (std::size_t r = first; r < last;) {
          const std::size_t channel = r % channels;
          const std::size_t count = std::min(last - r, channels - channel);
          const std::size_t at = r * run;
          serial::prelu_backward(x + at, dy + at, dx + at, count * run, w + channel, sums + r,
                                 count, run, stores);
          r += count;
        }
      } else {
        for (std::size_t p = first; p < last; ++p) {
          const std::size_t r = p / pieces_per_run;
          const std::size_t offset = p % pieces_per_run * kReductionPiece;
          const std::size_t length = std::min(kReductionPiece, run - offset);
          const std::size_t at = r * run + offset;
          serial::prelu_backward(x + at, dy + at, dx + at, length, w + r % channels, sums + p,
                                 std::size_t(1), length, stores);
        }
      }
    };
    policy.get_executor().parallel_for(
        pieces, grain_in_units(policy.grain(), std::min(run, kReductionPiece)),
        range_function(range));
    std::fill(dw, dw + channels, T(0));
    if (pieces_per_run == 1) {
      for (std::size_t outer = 0; outer < runs / channels; ++outer) {
        add_sums(dw, sums + outer * channels, channels);
      }
    } else {
      for (std::size_t p = 0; p < pieces; ++p) {
        dw[p / pieces_per_run % channels] += sums[p];
      }
    }
    settle_nan_sums(dw, channels);
  }

  // dw[c] = the sum, over channels-last blocks in order, of the block's sum for c. Work is
  // counted in blocks.
  template <class Policy>
  static void prelu_backward_by_rows(Policy& policy, const T* x, const T* dy, T* dx, std::size_t n,
                                     const T* w, T* dw, std::size_t channels, store_kind stores) {
    const std::size_t block = channels_last_blocking<T>(channels).elements();
    const std::size_t blocks = (n + block - 1) / block;
    const auto block_sums = std::make_unique_for_overwrite<T[]>(blocks * channels);
    T* sums = block_sums.get();
    auto range = [=](std::size_t first, std::size_t last) noexcept {
      for (std::size_t k = first; k < last; ++k) {
        const std::size_t at = k * block;
        serial::prelu_backward(x + at, dy + at, dx + at, std::min(block, n - at), w,
                               sums + k * channels, channels, std::size_t(1), stores);
      }
    };
    policy.get_executor().parallel_for(blocks, grain_in_units(policy.grain(), block),
                                       range_function(range));
    std::fill(dw, dw + channels, T(0));
    for (std::size_t k = 0; k < blocks; ++k) {
      add_sums(dw, sums + k * channels, channels);
    }
    settle_nan_sums(dw, channels);
  }
};

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
