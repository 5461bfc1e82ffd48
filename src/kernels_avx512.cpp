// The AVX-512 kernels, compiled with -mavx512f -mavx512cd -mavx512bw -mavx512dq -mavx512vl -mfma
// (cmake/RectifyDispatch.cmake); dispatch.cpp runs them only where the CPU has all of these and
// the operating system saves the ZMM and opmask registers.

#define RECTIFY_TARGET_NAMESPACE target_avx512
#include <rectify/kernel_table.hpp>

#if !XSIMD_WITH_AVX512BW || !defined(__AVX512VL__) || !defined(__FMA__)
#error "kernels_avx512.cpp needs the AVX-512 and FMA flags of cmake/RectifyDispatch.cmake"
#endif

namespace rectify::dispatch {
constinit const isa_kernels avx512_kernels = detail::isa_kernels_for<xsimd::avx512bw>("avx512");
}  // namespace rectify::dispatch
