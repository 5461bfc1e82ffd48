#pragma once
// The one loop that moves memory for every op: an unrolled body of independent vectors, a
// one-vector loop, then the tail. Ops never write loops of their own; they hand this loop a
// function that works on one value, scalar or batch.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <utility>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "simd.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

// Four independent vectors per iteration hide the latency of the compare-and-select chain on
// every x86 ISA we target while keeping the unrolled body within the register file.
inline constexpr std::size_t kUnroll = 4;

// How results reach memory: through the caches, or around them with non-temporal stores, which
// skip reading each output line before writing it and leave the caches to the data that will be
// read again.
struct cached_stores {};
struct streaming_stores {};

template <class Arch, class T>
inline void store_aligned(cached_stores, const xsimd::batch<T, Arch>& v, T* out) noexcept {
  v.store_aligned(out);
}

template <class Arch, class T>
inline void store_aligned(streaming_stores, const xsimd::batch<T, Arch>& v, T* out) noexcept {
  // On x86 the register width names the instruction set: 64 bytes is AVX-512, 32 AVX, 16 SSE.
  // Elsewhere (aarch64) nothing below uses them.
  [[maybe_unused]] constexpr std::size_t width =
      sizeof(typename xsimd::batch<T, Arch>::register_type);
  [[maybe_unused]] constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
  if constexpr (width == 64 && is_float) return _mm512_stream_ps(out, v);
  if constexpr (width == 64 && !is_float) return _mm512_stream_pd(out, v);
#endif
#if defined(__AVX__)
  if constexpr (width == 32 && is_float) return _mm256_stream_ps(out, v);
  if constexpr (width == 32 && !is_float) return _mm256_stream_pd(out, v);
#endif
#if defined(__SSE2__)
  if constexpr (width == 16 && is_float) return _mm_stream_ps(out, v);
  if constexpr (width == 16 && !is_float) return _mm_stream_pd(out, v);
#endif
  v.store_aligned(out);  // no non-temporal store on this instruction set
}

// f over n < lanes elements, through the same vector instructions as the body on a copy padded
// with zeros, so an element's bits never depend on where it sits in the buffer. (Scalar code
// would be free to differ: clang turns `c ? dy : dy * s` into `dy * (c ? 1 : s)`, which quiets a
// signalling NaN that the vector select passes through.)
template <class Arch, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE void transform_partial(F& f, T* out, std::size_t n,
                                             const In*... in) noexcept {
  using batch = xsimd::batch<T, Arch>;
  constexpr std::size_t lanes = batch::size;
  alignas(Arch::alignment()) T staged[sizeof...(In) + 1][lanes] = {};
  const T* inputs[] = {in...};
  for (std::size_t k = 0; k < sizeof...(In); ++k) {
    for (std::size_t j = 0; j < n; ++j) staged[k][j] = inputs[k][j];
  }
  const batch r = [&]<std::size_t... K>(std::index_sequence<K...>) {
    return f(batch::load_aligned(staged[K])...);
  }
  (std::index_sequence_for<In...>{});
  r.store_aligned(staged[sizeof...(In)]);
  for (std::size_t j = 0; j < n; ++j) out[j] = staged[sizeof...(In)][j];
}

// out[i] = f(in[i]...) for i in [0, n). out may be the very same buffer as any input (in place):
// each element is read before the same element is written, and no other element is touched.
// The first elements are peeled off so that every store of the body is aligned: a store that
// straddles two cache lines costs two.
template <class Arch, class Stores, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE void transform(Stores stores, F&& f, T* out, std::size_t n,
                                     const In*... in) noexcept {
  using batch = xsimd::batch<T, Arch>;
  constexpr std::size_t lanes = batch::size;
  const std::size_t misalignment = reinterpret_cast<std::uintptr_t>(out) % Arch::alignment();
  const std::size_t head = misalignment == 0 ? 0 : (Arch::alignment() - misalignment) / sizeof(T);
  std::size_t i = head < n ? head : n;
  if (i != 0) {
    transform_partial<Arch>(f, out, i, in...);
  }
  for (; i + kUnroll * lanes <= n; i += kUnroll * lanes) {
    batch r[kUnroll];
    for (std::size_t u = 0; u < kUnroll; ++u) {
      r[u] = f(batch::load_unaligned(in + i + u * lanes)...);
    }
    for (std::size_t u = 0; u < kUnroll; ++u) {
      store_aligned(stores, r[u], out + i + u * lanes);
    }
  }
  for (; i + lanes <= n; i += lanes) {
    store_aligned(stores, f(batch::load_unaligned(in + i)...), out + i);
  }
  if (i < n) {
    transform_partial<Arch>(f, out + i, n - i, (in + i)...);
  }
}

// Streaming pays off only when the output cannot stay in the cache anyway: when it is at least
// as large as the last-level cache one core can use. The OS's figure is capped at 32 MiB because
// virtual machines report the L3 of the whole package (hundreds of MiB on large AMD parts) while
// a core sees only its own complex's slice (32 MiB on Zen 4 and 5). RECTIFY_STREAMING_THRESHOLD
// (bytes) overrides it, e.g. to compare both kinds of stores at one size.
inline std::size_t streaming_threshold() noexcept {
  static const std::size_t bytes = [] {
    if (const char* text = std::getenv("RECTIFY_STREAMING_THRESHOLD")) {
      char* end = nullptr;
      const unsigned long long value = std::strtoull(text, &end, 10);
      if (end != text && *end == '\0') return static_cast<std::size_t>(value);
    }
    std::size_t cache = std::size_t(32) << 20;
#if defined(_SC_LEVEL3_CACHE_SIZE)
    const long reported = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (reported > 0 && static_cast<std::size_t>(reported) < cache) {
      cache = static_cast<std::size_t>(reported);
    }
#endif
    return cache;
  }();
  return bytes;
}

// The kind of stores for an output of n elements that may be the same buffer as an input: in
// place, the output's lines are already in the cache, read by the loop itself.
template <class T, class... In>
inline bool should_stream(const T* out, std::size_t n, const In*... in) noexcept {
  return n * sizeof(T) >= streaming_threshold() && ((out != in) && ...);
}

// Calls body(stores) with streaming or cached stores. Non-temporal stores are weakly ordered,
// so they are fenced once at the end, before anyone else may read the output.
template <class Body>
inline void with_stores(bool stream, Body&& body) noexcept {
  if (stream) {
    body(streaming_stores{});
#if defined(__SSE2__)
    _mm_sfence();
#endif
  } else {
    body(cached_stores{});
  }
}

// transform with the kind of stores chosen for this output.
template <class Arch, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE void transform(F&& f, T* out, std::size_t n, const In*... in) noexcept {
  with_stores(should_stream(out, n, in...),
              [&](auto stores) { transform<Arch>(stores, f, out, n, in...); });
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
