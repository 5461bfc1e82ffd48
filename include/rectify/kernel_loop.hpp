#pragma once
// The one loop that moves memory for every op: an unrolled body of independent vectors, a
// one-vector loop, then the scalar tail. Ops never write loops of their own; they hand this loop
// a function that works on one value, scalar or batch.

#include <cstddef>

#include "simd.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

// Four independent vectors per iteration hide the latency of the compare-and-select chain on
// every x86 ISA we target while keeping the unrolled body within the register file.
inline constexpr std::size_t kUnroll = 4;

// out[i] = f(in[i]...) for i in [0, n). out may be the very same buffer as any input (in place):
// each element is read before the same element is written, and no other element is touched.
template <class Arch, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE void transform(F&& f, T* out, std::size_t n, const In*... in) noexcept {
  using batch = xsimd::batch<T, Arch>;
  constexpr std::size_t lanes = batch::size;
  std::size_t i = 0;
  for (; i + kUnroll * lanes <= n; i += kUnroll * lanes) {
    batch r[kUnroll];
    for (std::size_t u = 0; u < kUnroll; ++u) {
      r[u] = f(batch::load_unaligned(in + i + u * lanes)...);
    }
    for (std::size_t u = 0; u < kUnroll; ++u) {
      r[u].store_unaligned(out + i + u * lanes);
    }
  }
  for (; i + lanes <= n; i += lanes) {
    f(batch::load_unaligned(in + i)...).store_unaligned(out + i);
  }
  for (; i < n; ++i) {
    out[i] = f(in[i]...);
  }
}

// The sum over i in [0, n) of f(in[i]...), in an order fixed by Arch and n alone.
template <class Arch, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE T accumulate(F&& f, std::size_t n, const In*... in) noexcept {
  using batch = xsimd::batch<T, Arch>;
  constexpr std::size_t lanes = batch::size;
  batch acc[kUnroll];
  for (std::size_t u = 0; u < kUnroll; ++u) {
    acc[u] = batch(T(0));
  }
  std::size_t i = 0;
  for (; i + kUnroll * lanes <= n; i += kUnroll * lanes) {
    for (std::size_t u = 0; u < kUnroll; ++u) {
      acc[u] += f(batch::load_unaligned(in + i + u * lanes)...);
    }
  }
  for (; i + lanes <= n; i += lanes) {
    acc[0] += f(batch::load_unaligned(in + i)...);
  }
  for (std::size_t u = 1; u < kUnroll; ++u) {
    acc[0] += acc[u];
  }
  alignas(Arch::alignment()) T lane_sums[lanes];
  acc[0].store_aligned(lane_sums);
  T sum = T(0);
  for (std::size_t l = 0; l < lanes; ++l) {
    sum += lane_sums[l];
  }
  for (; i < n; ++i) {
    sum += f(in[i]...);
  }
  return sum;
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
