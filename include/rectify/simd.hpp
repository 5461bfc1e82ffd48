#pragma once
// The one place that includes xsimd, names the instruction sets rectify knows and picks the
// default one, and defines the two vocabulary helpers every op is written with.

// g++ 12 warns about uninitialised values inside avx512fintrin.h whenever _mm512_max/min are
// inlined (GCC PR105593); the warning is about the compiler's own header, not about us.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <cstddef>
#include <type_traits>

#include "config.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE {

// The instruction set a kernel is compiled for is a type, as in xsimd: the same template serves
// every ISA, and one binary can hold (and test) several instantiations side by side.
#ifdef RECTIFY_DISPATCH
// The instruction set chosen once at run time among those the dispatch library was compiled for:
// the best the CPU and the operating system support, capped by RECTIFY_ISA (dispatch.hpp).
struct dynamic_arch {
  static constexpr const char* name() noexcept { return "dynamic"; }
};
using default_arch = dynamic_arch;
#else
using default_arch = xsimd::default_arch;
#endif

namespace ops {

template <class V>
struct scalar_of {
  using type = V;
};
template <class T, class A>
struct scalar_of<xsimd::batch<T, A>> {
  using type = T;
};

// A constant of the element type, broadcast when V is a batch.
template <class V>
inline V splat(typename scalar_of<V>::type value) noexcept {
  return V(value);
}

// cond ? a : b for scalars and, lane by lane, for batches. Every op is a comparison and a
// select: SIMD max/min pick an operand for NaN and +-0 by operand order, which differs between
// instruction sets and xsimd versions, while an IEEE comparison is false for NaN everywhere.
template <class T>
inline T if_else(bool cond, T a, T b) noexcept {
  return cond ? a : b;
}
template <class T, class A>
inline xsimd::batch<T, A> if_else(const xsimd::batch_bool<T, A>& cond, const xsimd::batch<T, A>& a,
                                  const xsimd::batch<T, A>& b) noexcept {
  return xsimd::select(cond, a, b);
}

// x < bound ? bound : x, and x > bound ? bound : x. x86's max and min instructions, with the
// bound as their first operand, are defined as exactly these selects, NaN and +-0 included (they
// return the second operand, x, unless the comparison holds), so on x86 a batch takes one
// instruction instead of a comparison and a blend. The operand order is the instruction's own,
// not that of xsimd's max/min, which changed between versions. Elsewhere, and for scalars, the
// comparison and the select.
template <class T>
inline T at_least(T x, T bound) noexcept {
  return if_else(x < bound, bound, x);
}
template <class T>
inline T at_most(T x, T bound) noexcept {
  return if_else(x > bound, bound, x);
}
template <class T, class A>
inline xsimd::batch<T, A> at_least(const xsimd::batch<T, A>& x,
                                   const xsimd::batch<T, A>& bound) noexcept {
  [[maybe_unused]] constexpr std::size_t width =
      sizeof(typename xsimd::batch<T, A>::register_type);
  [[maybe_unused]] constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
  if constexpr (width == 64 && is_float) return xsimd::batch<T, A>(_mm512_max_ps(bound, x));
  if constexpr (width == 64 && !is_float) return xsimd::batch<T, A>(_mm512_max_pd(bound, x));
#endif
#if defined(__AVX__)
  if constexpr (width == 32 && is_float) return xsimd::batch<T, A>(_mm256_max_ps(bound, x));
  if constexpr (width == 32 && !is_float) return xsimd::batch<T, A>(_mm256_max_pd(bound, x));
#endif
#if defined(__SSE2__)
  if constexpr (width == 16 && is_float) return xsimd::batch<T, A>(_mm_max_ps(bound, x));
  if constexpr (width == 16 && !is_float) return xsimd::batch<T, A>(_mm_max_pd(bound, x));
#endif
  return if_else(x < bound, bound, x);
}
template <class T, class A>
inline xsimd::batch<T, A> at_most(const xsimd::batch<T, A>& x,
                                  const xsimd::batch<T, A>& bound) noexcept {
  [[maybe_unused]] constexpr std::size_t width =
      sizeof(typename xsimd::batch<T, A>::register_type);
  [[maybe_unused]] constexpr bool is_float = std::is_same_v<T, float>;
#if defined(__AVX512F__)
  if constexpr (width == 64 && is_float) return xsimd::batch<T, A>(_mm512_min_ps(bound, x));
  if constexpr (width == 64 && !is_float) return xsimd::batch<T, A>(_mm512_min_pd(bound, x));
#endif
#if defined(__AVX__)
  if constexpr (width == 32 && is_float) return xsimd::batch<T, A>(_mm256_min_ps(bound, x));
  if constexpr (width == 32 && !is_float) return xsimd::batch<T, A>(_mm256_min_pd(bound, x));
#endif
#if defined(__SSE2__)
  if constexpr (width == 16 && is_float) return xsimd::batch<T, A>(_mm_min_ps(bound, x));
  if constexpr (width == 16 && !is_float) return xsimd::batch<T, A>(_mm_min_pd(bound, x));
#endif
  return if_else(x > bound, bound, x);
}

// a or b, lane by lane for masks. Masks are only ever combined with |: Debian's xsimd 8.1
// computes some ^ and != on masks wrongly.
inline bool either(bool a, bool b) noexcept { return a || b; }
template <class T, class A>
inline xsimd::batch_bool<T, A> either(const xsimd::batch_bool<T, A>& a,
                                      const xsimd::batch_bool<T, A>& b) noexcept {
  return a | b;
}

// v, unchanged, hidden from the optimiser. clang rewrites `c ? a : a * s` as `a * (c ? 1 : s)`,
// the same number but not the same bits where c holds: the multiply quiets a signalling NaN a,
// and flushes a denormal a when the caller has set flush-to-zero; and it does so in some
// positions of a buffer and not others. An empty asm statement that claims to change the product
// keeps every such select a select; it emits no instruction.
template <class T>
inline T opaque(T v) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm("" : "+v"(v));
#elif defined(__GNUC__) && (defined(__aarch64__) || defined(__arm__))
  asm("" : "+w"(v));
#endif
  return v;
}
template <class T, class A>
inline xsimd::batch<T, A> opaque(const xsimd::batch<T, A>& v) noexcept {
  return xsimd::batch<T, A>(opaque(static_cast<typename xsimd::batch<T, A>::register_type>(v)));
}

}  // namespace ops
}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE
