#pragma once
// The instruction sets whose kernels the tests run: every one the compiler enables for this
// target, so one binary built with -march=native checks SSE2, AVX2 and AVX-512 side by side. A
// dispatch build (RECTIFY_DISPATCH) runs rectify::dynamic_arch, whatever the dispatch chose, and
// ctest runs it once per instruction set with RECTIFY_ISA.

#include <cstddef>
#include <tuple>

#include <rectify/rectify.hpp>

namespace testing {

#ifdef RECTIFY_DISPATCH
using arches = std::tuple<rectify::dynamic_arch>;
#else
using arches = std::tuple<
#if XSIMD_WITH_AVX512BW
    xsimd::avx512bw,
#endif
#if XSIMD_WITH_AVX2
    xsimd::avx2,
#endif
#if XSIMD_WITH_SSE2
    xsimd::sse2
#elif XSIMD_WITH_NEON64
    xsimd::neon64
#else
    rectify::default_arch
#endif
    >;
#endif

template <class F>
void for_each_arch(F&& f) {
  std::apply([&](auto... arch) { (f(arch), ...); }, arches{});
}

// The vector width whose boundaries a sweep must cross.
template <class T, class Arch>
inline constexpr std::size_t lanes_of = xsimd::batch<T, Arch>::size;

// The name failures are reported under.
template <class Arch>
const char* arch_name() {
  return Arch::name();
}

#ifdef RECTIFY_DISPATCH
// The dispatch may run any instruction set it was compiled for: sweep as for the widest, AVX-512.
template <class T>
inline constexpr std::size_t lanes_of<T, rectify::dynamic_arch> = 64 / sizeof(T);

template <>
inline const char* arch_name<rectify::dynamic_arch>() {
  return rectify::active_isa();
}
#endif

}  // namespace testing
