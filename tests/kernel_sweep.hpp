#pragma once
// Sweeps one elementwise kernel over everything that can go wrong in a SIMD loop: every size from
// 0 to three unrolled blocks and one more, a few large sizes, every input and output offset
// within a vector, each in-place mode, each slope, on every instruction set and both types.

#include <cstddef>
#include <string>
#include <vector>

#include "arches.hpp"
#include "catch.hpp"
#include "kernel_list.hpp"
#include "kernel_tester.hpp"
#include "values.hpp"

namespace testing {

template <class T, class Kernel>
std::vector<T> slopes_for() {
  if constexpr (Kernel::slope == slope_kind::none) {
    return {T(0.01)};
  } else {
    return slopes<T>(Kernel::slope == slope_kind::non_negative);
  }
}

template <class T, class Kernel>
void sweep_type(Kernel kernel) {
  const std::vector<T> pool = mixed_values<T>(1 << 16, 20261127);
  for_each_arch([&](auto arch) {
    using Arch = decltype(arch);
    constexpr std::size_t lanes = lanes_of<T, Arch>;
    std::vector<std::size_t> sizes;
    for (std::size_t n = 0; n <= 3 * rectify::detail::kUnroll * lanes + 1; ++n) sizes.push_back(n);
    sizes.insert(sizes.end(), {1000, 4099});
    std::vector<in_place> modes = {in_place::no, in_place::over_first_input};
    if (Kernel::inputs == 2) modes.push_back(in_place::over_second_input);

    for (T slope : slopes_for<T, Kernel>()) {
      std::string first_failure;
      std::size_t cases = 0;
      for (std::size_t n : sizes) {
        for (std::size_t in_offset = 0; in_offset < lanes; ++in_offset) {
          for (in_place mode : modes) {
            const std::size_t out_offsets = mode == in_place::no ? lanes : 1;
            for (std::size_t out_offset = 0; out_offset < out_offsets; ++out_offset) {
              ++cases;
              std::string failure = kernel_tester<T>(pool)
                                        .size(n)
                                        .input_offset(in_offset)
                                        .output_offset(out_offset)
                                        .inplace(mode)
                                        .slope(slope)
                                        .data_start(cases * 7919)
                                        .test(kernel, arch);
              if (!failure.empty() && first_failure.empty()) first_failure = failure;
            }
          }
        }
      }
      INFO(Kernel::name << "<" << arch_name<Arch>() << ", " << (sizeof(T) == 4 ? "float" : "double")
                        << "> slope " << describe(slope) << ": " << cases << " calls");
      CHECK(first_failure == "");
    }
  });
}

template <class Kernel>
void sweep(Kernel kernel) {
  sweep_type<float>(kernel);
  sweep_type<double>(kernel);
}

}  // namespace testing
