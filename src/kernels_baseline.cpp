// The baseline kernels, which run on every CPU of the target: SSE2 on x86-64, NEON on aarch64.
// Compiled with no instruction-set flags of rectify's own.

#define RECTIFY_TARGET_NAMESPACE target_baseline
#include <rectify/kernel_table.hpp>

namespace rectify::dispatch {

#if defined(__x86_64__)
constinit const isa_kernels baseline_kernels = detail::isa_kernels_for<xsimd::sse2>("sse2");
#elif XSIMD_WITH_NEON64
constinit const isa_kernels baseline_kernels = detail::isa_kernels_for<xsimd::neon64>("neon");
#else
constinit const isa_kernels baseline_kernels =
    detail::isa_kernels_for<xsimd::default_arch>(xsimd::default_arch::name());
#endif

}  // namespace rectify::dispatch
