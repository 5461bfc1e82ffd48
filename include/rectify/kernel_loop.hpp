#pragma once
// The one loop that moves memory for every op: an unrolled body of independent vectors, a
// one-vector loop, then the tail. Ops never write loops of their own; they hand this loop a
// function that works on one value, scalar or batch. Two variants of the same shape also sum a
// second function of the inputs in the same pass (into one sum, or into a row of column sums),
// for reductions such as PReLU's dw.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <utility>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "simd.hpp"

namespace rectify {

// The kind of stores a call writes its output with, chosen once per call from the whole output
// (detail::choose_stores) and handed to every kernel that writes part of it: the pieces of a
// parallel call stream or not as the call does, not as their own size would say. Outside the
// inline namespace because the kernels of every instruction set take it, through the one table of
// function pointers a dispatch build shares between them (kernel_table.hpp); an enum, so that it
// brings no code that one instruction set's translation unit could lend another (config.hpp).
// Not something a user of the public functions passes.
enum class store_kind : unsigned char { cached, streaming };

}  // namespace rectify

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

// Four independent vectors per iteration hide the latency of the compare-and-select chain on
// every x86 ISA we target while keeping the unrolled body within the register file.
inline constexpr std::size_t kUnroll = 4;

// On AVX-512 each input vector is loaded into a register of its own before the op sees it. Left
// to itself, GCC folds the load into the select's merge-masked move (an operand read straight
// from memory under a mask) and into the product, loading it twice; tuned for AMD or generic
// x86-64 (-march=native on Zen 3 to 5, and the dispatch library), LeakyReLU's forward and
// backward then ran 1.35-1.5x slower at 4K floats. Narrower vectors keep the folded loads: with
// AVX2 and SSE2 registers, ReLU's forward lost 10-20% without them.
template <class Arch, class T>
RECTIFY_ALWAYS_INLINE xsimd::batch<T, Arch> load_input(const T* p) noexcept {
  using batch = xsimd::batch<T, Arch>;
  if constexpr (sizeof(typename batch::register_type) == 64) {
    return ops::opaque(batch::load_unaligned(p));
  } else {
    return batch::load_unaligned(p);
  }
}

// How results reach memory: through the caches, or around them with non-temporal stores, which
// skip reading each output line before writing it and leave the caches to the data that will be
// read again.
// A loop that cannot align its stores (its order of work is fixed from the start of the buffer)
// falls back to unaligned cached stores.
struct cached_stores {};
struct streaming_stores {};
struct unaligned_stores {};

template <class Arch, class T>
inline void store(cached_stores, const xsimd::batch<T, Arch>& v, T* out) noexcept {
  v.store_aligned(out);
}

template <class Arch, class T>
inline void store(unaligned_stores, const xsimd::batch<T, Arch>& v, T* out) noexcept {
  v.store_unaligned(out);
}

template <class Arch, class T>
inline void store(streaming_stores, const xsimd::batch<T, Arch>& v, T* out) noexcept {
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

// A slope pattern that repeats along the buffer: element i's operand is pattern[i % period].
// pattern holds period + kUnroll * lanes elements, its start repeated past the period, so that
// the operands of one unrolled step are one contiguous stretch wherever in the period it starts;
// period is at least kUnroll * lanes, so one subtraction brings the position back into it.
template <class T>
struct cycle {
  const T* pattern;
  std::size_t period;
};

// The loop without a repeating operand.
struct no_cycle {};

// f of the loaded inputs, and of the repeating operand at `position` when there is one.
template <class Arch, class F, class T, class... V>
RECTIFY_ALWAYS_INLINE auto apply(F& f, const cycle<T>& c, std::size_t position, V... v) noexcept {
  return f(v..., load_input<Arch>(c.pattern + position));
}
template <class Arch, class F, class... V>
RECTIFY_ALWAYS_INLINE auto apply(F& f, no_cycle, std::size_t, V... v) noexcept {
  return f(v...);
}

// transform_partial over the inputs followed by the repeating operand, if any.
template <class Arch, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE void transform_partial_cycling(F& f, T* out, std::size_t n,
                                                     const cycle<T>& c, std::size_t position,
                                                     const In*... in) noexcept {
  transform_partial<Arch>(f, out, n, in..., c.pattern + position);
}
template <class Arch, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE void transform_partial_cycling(F& f, T* out, std::size_t n, no_cycle,
                                                     std::size_t, const In*... in) noexcept {
  transform_partial<Arch>(f, out, n, in...);
}

// Below this many vectors, a misaligned output is written with unaligned stores rather than
// peeled: the peeled head is one more staged partial (transform_partial), which costs as much as
// dozens of stores straddling two cache lines. It matters for PReLU's runs of one slope, one loop
// call each: on a buffer 16 bytes off a 64-byte boundary (what malloc gives), C = 64 runs of 64
// floats took 2,030 ns per call peeled and 310 ns unpeeled.
inline constexpr std::size_t kMinVectorsToPeel = 64;

// out[i] = f(in[i]...), or f(in[i]..., pattern[i % period]) with a cycle, for i in [0, n). out
// may be the very same buffer as any input (in place): each element is read before the same
// element is written, and no other element is touched. On outputs of kMinVectorsToPeel vectors or
// more, and always for streaming stores, the first elements are peeled off so that every store of
// the body is aligned: a store that straddles two cache lines costs two.
template <class Arch, class Stores, class T, class F, class Cycle, class... In>
RECTIFY_ALWAYS_INLINE void transform_cycling(Stores stores, F&& f, T* out, std::size_t n,
                                             const Cycle& repeating, const In*... in) noexcept {
  using batch = xsimd::batch<T, Arch>;
  constexpr std::size_t lanes = batch::size;
  const std::size_t misalignment = reinterpret_cast<std::uintptr_t>(out) % Arch::alignment();
  if constexpr (std::is_same_v<Stores, cached_stores>) {
    if (misalignment != 0 && n < kMinVectorsToPeel * lanes) {
      return transform_cycling<Arch>(unaligned_stores{}, f, out, n, repeating, in...);
    }
  }
  const std::size_t head = misalignment == 0 || std::is_same_v<Stores, unaligned_stores>
                               ? 0
                               : (Arch::alignment() - misalignment) / sizeof(T);
  std::size_t i = head < n ? head : n;
  // The position of element i in the cycle; i < lanes <= period here.
  std::size_t position = i;
  if (i != 0) {
    transform_partial_cycling<Arch>(f, out, i, repeating, 0, in...);
  }
  const auto advance = [&](std::size_t step) {
    if constexpr (!std::is_same_v<Cycle, no_cycle>) {
      position += step;
      if (position >= repeating.period) position -= repeating.period;
    }
  };
  for (; i + kUnroll * lanes <= n; i += kUnroll * lanes) {
    batch r[kUnroll];
    for (std::size_t u = 0; u < kUnroll; ++u) {
      r[u] = apply<Arch>(f, repeating, position + u * lanes,
                         load_input<Arch>(in + i + u * lanes)...);
    }
    for (std::size_t u = 0; u < kUnroll; ++u) {
      store(stores, r[u], out + i + u * lanes);
    }
    advance(kUnroll * lanes);
  }
  for (; i + lanes <= n; i += lanes) {
    store(stores, apply<Arch>(f, repeating, position, load_input<Arch>(in + i)...), out + i);
    advance(lanes);
  }
  if (i < n) {
    transform_partial_cycling<Arch>(f, out + i, n - i, repeating, position, (in + i)...);
  }
}

template <class Arch, class Stores, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE void transform(Stores stores, F&& f, T* out, std::size_t n,
                                     const In*... in) noexcept {
  transform_cycling<Arch>(stores, f, out, n, no_cycle{}, in...);
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

// The kind of stores for a call whose output of n elements may be the very same buffer as one of
// its inputs: in place, the output's lines are already in the cache, read by the loop itself.
// A parallel call asks once for its whole output and passes the answer to every piece.
template <class T, class... In>
inline store_kind choose_stores(const T* out, std::size_t n, const In*... in) noexcept {
  const bool stream = n * sizeof(T) >= streaming_threshold() && ((out != in) && ...);
  return stream ? store_kind::streaming : store_kind::cached;
}

// Calls body(stores) with streaming or cached stores. Non-temporal stores are weakly ordered,
// so they are fenced once at the end, before anyone else may read the output.
template <class Body>
inline void with_stores(store_kind stores, Body&& body) noexcept {
  if (stores == store_kind::streaming) {
    body(streaming_stores{});
#if defined(__SSE2__)
    _mm_sfence();
#endif
  } else {
    body(cached_stores{});
  }
}

// transform with the kind of stores chosen for the call.
template <class Arch, class T, class F, class... In>
RECTIFY_ALWAYS_INLINE void transform(store_kind stores, F&& f, T* out, std::size_t n,
                                     const In*... in) noexcept {
  with_stores(stores, [&](auto tag) { transform<Arch>(tag, f, out, n, in...); });
}

// ((v[0] + v[1]) + (v[2] + v[3])) + ..., unrolled at compile time so the terms stay in
// registers; Count is a power of two.
template <std::size_t Count, class T>
RECTIFY_ALWAYS_INLINE T pairwise_sum(const T* v) noexcept {
  if constexpr (Count == 1) {
    return v[0];
  } else {
    return pairwise_sum<Count / 2>(v) + pairwise_sum<Count / 2>(v + Count / 2);
  }
}

// pairwise_sum over the lanes of v, kept in registers on x86: each step adds to every lane its
// neighbour at distance 1, 2, 4, ... (a swap within the register), so lane 0 ends up holding
// ((v0 + v1) + (v2 + v3)) + ..., the very additions of pairwise_sum with the same operands.
// Through memory, a wide store read back lane by lane, it costs a short run more than its loads.
template <class Arch, class T>
RECTIFY_ALWAYS_INLINE T pairwise_lane_sum(const xsimd::batch<T, Arch>& v) noexcept {
  using batch = xsimd::batch<T, Arch>;
  [[maybe_unused]] constexpr std::size_t width = sizeof(typename batch::register_type);
  [[maybe_unused]] constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
  if constexpr (width == 64 && is_float) {
    __m512 t = v;
    t = _mm512_add_ps(t, _mm512_permute_ps(t, _MM_SHUFFLE(2, 3, 0, 1)));
    t = _mm512_add_ps(t, _mm512_permute_ps(t, _MM_SHUFFLE(1, 0, 3, 2)));
    t = _mm512_add_ps(t, _mm512_shuffle_f32x4(t, t, _MM_SHUFFLE(2, 3, 0, 1)));
    t = _mm512_add_ps(t, _mm512_shuffle_f32x4(t, t, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm512_cvtss_f32(t);
  }
  if constexpr (width == 64 && !is_float) {
    __m512d t = v;
    t = _mm512_add_pd(t, _mm512_permute_pd(t, 0x55));
    t = _mm512_add_pd(t, _mm512_shuffle_f64x2(t, t, _MM_SHUFFLE(2, 3, 0, 1)));
    t = _mm512_add_pd(t, _mm512_shuffle_f64x2(t, t, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm512_cvtsd_f64(t);
  }
#endif
#if defined(__AVX__)
  if constexpr (width == 32 && is_float) {
    __m256 t = v;
    t = _mm256_add_ps(t, _mm256_permute_ps(t, _MM_SHUFFLE(2, 3, 0, 1)));
    t = _mm256_add_ps(t, _mm256_permute_ps(t, _MM_SHUFFLE(1, 0, 3, 2)));
    t = _mm256_add_ps(t, _mm256_permute2f128_ps(t, t, 1));
    return _mm256_cvtss_f32(t);
  }
  if constexpr (width == 32 && !is_float) {
    __m256d t = v;
    t = _mm256_add_pd(t, _mm256_permute_pd(t, 0x5));
    t = _mm256_add_pd(t, _mm256_permute2f128_pd(t, t, 1));
    return _mm256_cvtsd_f64(t);
  }
#endif
#if defined(__SSE2__)
  if constexpr (width == 16 && is_float) {
    __m128 t = v;
    t = _mm_add_ps(t, _mm_shuffle_ps(t, t, _MM_SHUFFLE(2, 3, 0, 1)));
    t = _mm_add_ps(t, _mm_shuffle_ps(t, t, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm_cvtss_f32(t);
  }
  if constexpr (width == 16 && !is_float) {
    __m128d t = v;
    t = _mm_add_pd(t, _mm_shuffle_pd(t, t, 1));
    return _mm_cvtsd_f64(t);
  }
#endif
  alignas(Arch::alignment()) T lanes[batch::size];
  v.store_aligned(lanes);
  return pairwise_sum<batch::size>(lanes);
}

template <class Arch, class T>
inline bool is_aligned(const T* p) noexcept {
  return reinterpret_cast<std::uintptr_t>(p) % Arch::alignment() == 0;
}

// f(v...) and g(v...). A function rather than a lambda capturing the caller's sums, which GCC 12
// then keeps on the stack instead of in registers.
template <class F, class G, class... V>
RECTIFY_ALWAYS_INLINE auto result_and_term(F& f, G& g, const V&... v) noexcept {
  return std::pair{f(v...), g(v...)};
}

// out[i] = f(in[i]...) for i in [0, n), and the sum of g(in[i]...) over the same i, in one pass
// over the inputs. The sum's order is fixed by Arch and n alone, not by where the buffers sit:
// kUnroll vector sums over the unrolled body, the one-vector loop into the first, those added
// pairwise, then their lanes pairwise, then the tail one element at a time. So the body starts at the
// first element, and its stores are aligned only when out is. out may be the very same buffer
// as an input: the tail's sum is taken before the tail is written.
template <class Arch, class Stores, class T, class F, class G, class... In>
RECTIFY_ALWAYS_INLINE T transform_accumulate_from_start(Stores stores, F& f, G& g, T* out,
                                                        std::size_t n, const In*... in) noexcept {
  using batch = xsimd::batch<T, Arch>;
  constexpr std::size_t lanes = batch::size;
  batch acc[kUnroll];
  for (std::size_t u = 0; u < kUnroll; ++u) {
    acc[u] = batch(T(0));
  }
  std::size_t i = 0;
  for (; i + kUnroll * lanes <= n; i += kUnroll * lanes) {
    batch r[kUnroll];
    for (std::size_t u = 0; u < kUnroll; ++u) {
      const auto [result, term] = result_and_term(f, g, load_input<Arch>(in + i + u * lanes)...);
      r[u] = result;
      acc[u] += term;
    }
    for (std::size_t u = 0; u < kUnroll; ++u) {
      store(stores, r[u], out + i + u * lanes);
    }
  }
  for (; i + lanes <= n; i += lanes) {
    const auto [result, term] = result_and_term(f, g, load_input<Arch>(in + i)...);
    acc[0] += term;
    store(stores, result, out + i);
  }
  // The vector sums, then the lanes, added pairwise: a short run's time goes mostly into this
  // reduction, and a tree is a chain of log2 additions where a row of them is as many as terms.
  T sum = pairwise_lane_sum(pairwise_sum<kUnroll>(acc));
  for (std::size_t j = i; j < n; ++j) {
    sum += g(in[j]...);
  }
  if (i < n) {
    transform_partial<Arch>(f, out + i, n - i, (in + i)...);
  }
  return sum;
}

template <class Arch, class Stores, class T, class F, class G, class... In>
RECTIFY_ALWAYS_INLINE T transform_accumulate(Stores stores, F&& f, G&& g, T* out, std::size_t n,
                                             const In*... in) noexcept {
  if (is_aligned<Arch>(out)) {
    return transform_accumulate_from_start<Arch>(stores, f, g, out, n, in...);
  }
  return transform_accumulate_from_start<Arch>(unaligned_stores{}, f, g, out, n, in...);
}

// transform_and_add over whole rows of Vectors vectors with the column sums held in registers.
// In memory, each column's sum is stored and read back one row later: every vector then waits on
// a store-to-load round trip, and the loop ran at 100-130 GB/s at 4K floats (rows of 128 on
// AVX-512, PReLU channels-last with C = 64) where its loads and stores allow twice that. The
// additions are the same, in the same order, so sums gets the same bits. Returns how many
// elements it did: whole rows, so the caller goes on at column 0.
template <std::size_t Vectors, class Arch, class Stores, class T, class F, class G, class... In>
RECTIFY_ALWAYS_INLINE std::size_t add_rows_in_registers(Stores stores, F& f, G& g, T* out,
                                                        T* sums, const T* pattern, std::size_t n,
                                                        const In*... in) noexcept {
  using batch = xsimd::batch<T, Arch>;
  constexpr std::size_t lanes = batch::size;
  constexpr std::size_t row = Vectors * lanes;
  batch acc[Vectors];
  for (std::size_t v = 0; v < Vectors; ++v) acc[v] = batch::load_aligned(sums + v * lanes);
  std::size_t i = 0;
  for (; i + row <= n; i += row) {
#pragma GCC unroll 16
    for (std::size_t v = 0; v < Vectors; ++v) {
      [&](auto... x) RECTIFY_INLINE_LAMBDA {
        const batch slope = load_input<Arch>(pattern + v * lanes);
        store(stores, f(x..., slope), out + i + v * lanes);
        acc[v] = acc[v] + g(x..., slope);
      }(load_input<Arch>(in + i + v * lanes)...);
    }
  }
  for (std::size_t v = 0; v < Vectors; ++v) acc[v].store_aligned(sums + v * lanes);
  return i;
}

// Rows of 8 to 16 vectors keep their column sums in registers on AVX-512, whose 32 registers
// hold them beside the inputs (AVX2's and SSE2's 16 do not): for floats, rows of 128 to 256
// elements, which channels_last_blocking gives every C up to 128 that is a power of two or has
// a small odd factor.
inline constexpr std::size_t kMinRowVectorsInRegisters = 8;
inline constexpr std::size_t kMaxRowVectorsInRegisters = 16;

// The shortest row prelu_backward hands the loop (prelu_walk.hpp's kMinRow). For doubles it is
// 16 vectors already, so only that one length is compiled: each length is a fully unrolled copy
// of the loop, and nine of them per element type doubled the sanitizer build's compile time.
inline constexpr std::size_t kShortestRow = 128;

// out[i] = f(in[i]..., pattern[p]) and sums[p] += g(in[i]..., pattern[p]) with p = i % period,
// for i in [0, n), in one pass over the inputs: over consecutive rows of `period` elements, sums
// gathers each column in row order. period is a multiple of the vector width, so that no vector
// straddles the end of a row, or 0 when n is at most one row; so the body starts at the first element, and its stores are
// aligned only when out is. out may be the very same buffer as an input, not as sums or pattern.
template <class Arch, class Stores, class T, class F, class G, class... In>
RECTIFY_ALWAYS_INLINE void transform_and_add_from_start(Stores stores, F& f, G& g, T* out,
                                                        T* sums, const cycle<T>& columns,
                                                        std::size_t n, const In*... in) noexcept {
  using batch = xsimd::batch<T, Arch>;
  constexpr std::size_t lanes = batch::size;
  std::size_t i = 0;
  std::size_t position = 0;
  const auto next = [&](std::size_t p) {
    p += lanes;
    return p == columns.period ? 0 : p;
  };
  // With streaming stores too: from memory, 16M floats in channels-last rows of 128 (C = 64)
  // took 4.3 ms with the sums in registers against 5.9 ms with them in memory.
  if constexpr (sizeof(typename batch::register_type) == 64) {
    constexpr std::size_t first = kShortestRow / lanes > kMinRowVectorsInRegisters
                                      ? kShortestRow / lanes
                                      : kMinRowVectorsInRegisters;
    [&]<std::size_t... K>(std::index_sequence<K...>) RECTIFY_INLINE_LAMBDA {
      (void)((columns.period == (first + K) * lanes
                  ? (i = add_rows_in_registers<first + K, Arch>(stores, f, g, out, sums,
                                                                columns.pattern, n, in...),
                     true)
                  : false) ||
             ...);
    }(std::make_index_sequence<(kMaxRowVectorsInRegisters >= first
                                    ? kMaxRowVectorsInRegisters - first + 1
                                    : 0)>{});
  }
  for (; i + kUnroll * lanes <= n; i += kUnroll * lanes) {
    batch r[kUnroll];
    for (std::size_t u = 0; u < kUnroll; ++u) {
      [&](auto... v) {
        const batch slope = load_input<Arch>(columns.pattern + position);
        r[u] = f(v..., slope);
        (batch::load_aligned(sums + position) + g(v..., slope)).store_aligned(sums + position);
      }(load_input<Arch>(in + i + u * lanes)...);
      position = next(position);
    }
    for (std::size_t u = 0; u < kUnroll; ++u) {
      store(stores, r[u], out + i + u * lanes);
    }
  }
  for (; i + lanes <= n; i += lanes) {
    [&](auto... v) {
      const batch slope = load_input<Arch>(columns.pattern + position);
      const batch r = f(v..., slope);
      (batch::load_aligned(sums + position) + g(v..., slope)).store_aligned(sums + position);
      store(stores, r, out + i);
    }(load_input<Arch>(in + i)...);
    position = next(position);
  }
  if (i < n) {
    auto add = [&g](auto s, auto... v) { return s + g(v...); };
    transform_partial<Arch>(add, sums + position, n - i, static_cast<const T*>(sums + position),
                            (in + i)..., columns.pattern + position);
    transform_partial<Arch>(f, out + i, n - i, (in + i)..., columns.pattern + position);
  }
}

// sums must be aligned for Arch.
template <class Arch, class Stores, class T, class F, class G, class... In>
RECTIFY_ALWAYS_INLINE void transform_and_add(Stores stores, F&& f, G&& g, T* out, T* sums,
                                             const cycle<T>& columns, std::size_t n,
                                             const In*... in) noexcept {
  if (is_aligned<Arch>(out)) {
    transform_and_add_from_start<Arch>(stores, f, g, out, sums, columns, n, in...);
  } else {
    transform_and_add_from_start<Arch>(unaligned_stores{}, f, g, out, sums, columns, n, in...);
  }
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
