// Chooses the kernels a dispatch build runs: once, on first use, the best instruction set that
// both the CPU and the operating system support, capped by the environment variable RECTIFY_ISA.
// Compiled with the baseline flags only, like everything that runs before the choice is made.

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <utility>

#include <rectify/dispatch.hpp>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace rectify::dispatch {
namespace {

// In increasing order of preference.
const isa_kernels* const known_kernels[] = {
    &baseline_kernels,
#if defined(__x86_64__)
    &avx2_kernels,
    &avx512_kernels,
#endif
};
constexpr std::size_t known_count = std::size(known_kernels);

#if defined(__x86_64__)

// XCR0 says which register state the operating system saves on a context switch: a CPU that has
// AVX-512 still cannot use it where the OS does not save the ZMM registers. CPUID's feature bits
// do not say so, and not every compiler's run time checks it behind __builtin_cpu_supports.
bool os_saves(std::uint64_t state) noexcept {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & bit_OSXSAVE) == 0) {
    return false;  // xgetbv itself would fault
  }
  unsigned low = 0, high = 0;
  __asm__("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  const std::uint64_t xcr0 = (std::uint64_t{high} << 32) | low;
  return (xcr0 & state) == state;
}

constexpr std::uint64_t kYmmState = 0x6;   // SSE and AVX registers
constexpr std::uint64_t kZmmState = 0xe6;  // and the opmasks, the ZMM upper halves, ZMM16-31

// The index in known_kernels of the best set this machine runs.
std::size_t best_supported() noexcept {
  __builtin_cpu_init();
  // Each translation unit is compiled with more than its headline set (kernels_avx2.cpp with
  // FMA, kernels_avx512.cpp with F, CD, BW, DQ, VL and FMA): all of them must be there.
  const bool avx2 =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && os_saves(kYmmState);
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") &&
                      __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                      os_saves(kZmmState);
  return avx512 ? 2 : avx2 ? 1 : 0;
}

#else

std::size_t best_supported() noexcept { return 0; }

#endif

bool same_name(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// RECTIFY_ISA caps the choice; naming more than the machine has gives the best it has. A name
// this build does not know is reported on stderr, not silently taken for something else.
std::size_t choose() noexcept {
  const std::size_t best = best_supported();
  const char* requested = std::getenv("RECTIFY_ISA");
  if (requested == nullptr || *requested == '\0') return best;
  for (std::size_t i = 0; i < known_count; ++i) {
    if (same_name(requested, known_kernels[i]->name)) return i < best ? i : best;
  }
  std::fprintf(stderr, "rectify: RECTIFY_ISA=%s names no instruction set of this build (",
               requested);
  for (std::size_t i = 0; i < known_count; ++i) {
    std::fprintf(stderr, "%s%s", i == 0 ? "" : ", ", known_kernels[i]->name);
  }
  std::fprintf(stderr, "); running %s\n", known_kernels[best]->name);
  return best;
}

template <class T>
const kernel_table<T>& table_for(const isa_kernels& kernels) noexcept {
  if constexpr (std::is_same_v<T, float>) {
    return kernels.for_float;
  } else {
    return kernels.for_double;
  }
}

// The entries of the set active_kernels starts with: each makes the choice, then runs the same
// entry of the chosen set.
template <class T, auto entry,
          class Pointer = std::remove_cvref_t<decltype(std::declval<kernel_table<T>&>().*entry)>>
struct first_call;

template <class T, auto entry, class... Args>
struct first_call<T, entry, void (*)(Args...) noexcept> {
  static void run(Args... args) noexcept { (table_for<T>(select_kernels()).*entry)(args...); }
};

template <class T>
constexpr kernel_table<T> first_call_table() noexcept {
  using table = kernel_table<T>;
  return {
      .relu_forward = &first_call<T, &table::relu_forward>::run,
      .relu_derivative = &first_call<T, &table::relu_derivative>::run,
      .relu_backward = &first_call<T, &table::relu_backward>::run,
      .relu_backward_from_output = &first_call<T, &table::relu_backward_from_output>::run,
      .relu6_forward = &first_call<T, &table::relu6_forward>::run,
      .relu6_derivative = &first_call<T, &table::relu6_derivative>::run,
      .relu6_backward = &first_call<T, &table::relu6_backward>::run,
      .relu6_backward_from_output = &first_call<T, &table::relu6_backward_from_output>::run,
      .leaky_relu_forward = &first_call<T, &table::leaky_relu_forward>::run,
      .leaky_relu_derivative = &first_call<T, &table::leaky_relu_derivative>::run,
      .leaky_relu_backward = &first_call<T, &table::leaky_relu_backward>::run,
      .leaky_relu_backward_from_output =
          &first_call<T, &table::leaky_relu_backward_from_output>::run,
      .prelu_forward = &first_call<T, &table::prelu_forward>::run,
      .prelu_derivative = &first_call<T, &table::prelu_derivative>::run,
      .prelu_backward = &first_call<T, &table::prelu_backward>::run,
  };
}

constinit const isa_kernels first_call_kernels = {"", first_call_table<float>(),
                                                  first_call_table<double>()};

}  // namespace

// Constant-initialised, so it is valid before any constructor runs, even one in another
// translation unit that calls rectify.
constinit std::atomic<const isa_kernels*> active_kernels{&first_call_kernels};

const isa_kernels& select_kernels() noexcept {
  // A function-local static: initialised once, even when threads race to the first call.
  static const isa_kernels& chosen = *known_kernels[choose()];
  active_kernels.store(&chosen, std::memory_order_release);
  return chosen;
}

}  // namespace rectify::dispatch

const char* rectify::active_isa() noexcept { return dispatch::select_kernels().name; }
