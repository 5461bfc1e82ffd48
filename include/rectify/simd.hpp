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
