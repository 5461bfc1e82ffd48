#pragma once
// The instruction sets whose kernels the tests run: every one the compiler enables for this
// target, so one binary built with -march=native checks SSE2, AVX2 and AVX-512 side by side.

#include <tuple>

#include <rectify/simd.hpp>

namespace testing {

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

template <class F>
void for_each_arch(F&& f) {
  std::apply([&](auto... arch) { (f(arch), ...); }, arches{});
}

}  // namespace testing
