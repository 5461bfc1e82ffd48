// The AVX2 kernels, compiled with -mavx2 -mfma (cmake/RectifyDispatch.cmake); dispatch.cpp runs
// them only where the CPU has both and the operating system saves the YMM registers.

#define RECTIFY_TARGET_NAMESPACE target_avx2
#include <rectify/kernel_table.hpp>

#if !XSIMD_WITH_AVX2 || !defined(__FMA__)
#error "kernels_avx2.cpp needs the AVX2 and FMA flags of cmake/RectifyDispatch.cmake"
#endif

namespace rectify::dispatch {
constinit const isa_kernels avx2_kernels = detail::isa_kernels_for<xsimd::avx2>("avx2");
}  // namespace rectify::dispatch
