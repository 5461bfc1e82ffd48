#pragma once
// A builder-style tester for one elementwise kernel call: size, input and output offsets,
// in-place mode, slope. It runs the kernel of a given instruction set, compares every output
// element bit for bit with the scalar reference, and checks that sentinels before and after each
// buffer and the inputs themselves are untouched. test() returns "" or the first failure.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "arches.hpp"
#include "values.hpp"

namespace testing {

enum class in_place { no, over_first_input, over_second_input };

template <class T>
class kernel_tester {
 public:
  static constexpr std::size_t kGuard = 64;

  explicit kernel_tester(const std::vector<T>& pool) : pool_(pool) {}

  kernel_tester& size(std::size_t n) {
    n_ = n;
    return *this;
  }
  kernel_tester& input_offset(std::size_t k) {
    input_offset_ = k;
    return *this;
  }
  kernel_tester& output_offset(std::size_t k) {
    output_offset_ = k;
    return *this;
  }
  kernel_tester& inplace(in_place mode) {
    inplace_ = mode;
    return *this;
  }
  kernel_tester& slope(T s) {
    slope_ = s;
    return *this;
  }
  kernel_tester& data_start(std::size_t k) {
    data_start_ = k;
    return *this;
  }

  template <class Kernel, class Arch>
  std::string test(Kernel, Arch) const {
    const std::size_t second_offset = (3 * input_offset_ + 1) % 64;
    std::vector<T> a = guarded(input_offset_), b = guarded(second_offset),
                   o = guarded(output_offset_);
    const T* source_a = pool_.data() + data_start_ % (pool_.size() - 2 * n_);
    const T* source_b = source_a + n_;
    std::copy(source_a, source_a + n_, a.data() + kGuard + input_offset_);
    std::copy(source_b, source_b + n_, b.data() + kGuard + second_offset);
    const std::vector<T> a0 = a, b0 = b, o0 = o;

    std::span<T> in_a(a.data() + kGuard + input_offset_, n_);
    std::span<T> in_b(b.data() + kGuard + second_offset, n_);
    std::span<T> out(o.data() + kGuard + output_offset_, n_);
    if (inplace_ == in_place::over_first_input) out = in_a;
    if (inplace_ == in_place::over_second_input) out = in_b;

    Kernel::run(Arch{}, std::span<const T>(in_a), std::span<const T>(in_b), out, slope_);

    for (std::size_t i = 0; i < n_; ++i) {
      const T want = Kernel::ref(source_a[i], source_b[i], slope_);
      if (!same_bits(out[i], want)) {
        return failure(Kernel::name, arch_name<Arch>(), i) + ": x = " + describe(source_a[i]) +
               (Kernel::inputs == 2 ? ", dy = " + describe(source_b[i]) : std::string()) +
               " gave " + describe(out[i]) + ", expected " + describe(want);
      }
    }
    // Everything but the output elements keeps its bits: guards, inputs, the other buffers.
    const auto untouched = [&](const std::vector<T>& now, const std::vector<T>& before,
                               const T* written) {
      for (std::size_t j = 0; j < now.size(); ++j) {
        const T* p = now.data() + j;
        const bool is_output = std::less_equal<>{}(written, p) && std::less<>{}(p, written + n_);
        if (!is_output && !same_bits(now[j], before[j])) return false;
      }
      return true;
    };
    if (!untouched(a, a0, out.data()) || !untouched(b, b0, out.data()) ||
        !untouched(o, o0, out.data())) {
      return failure(Kernel::name, arch_name<Arch>(), 0) + ": a byte outside the output changed";
    }
    return {};
  }

 private:
  std::vector<T> guarded(std::size_t offset) const {
    return std::vector<T>(n_ + offset + 2 * kGuard, sentinel());
  }
  static T sentinel() {
    if constexpr (sizeof(T) == 4) {
      return from_bits<T>(0x7fa5a5a5u);
    } else {
      return from_bits<T>(0x7ff5a5a5a5a5a5a5ull);
    }
  }
  std::string failure(std::string_view kernel, const char* arch, std::size_t i) const {
    std::ostringstream s;
    s << kernel << "<" << arch << ", " << (sizeof(T) == 4 ? "float" : "double") << "> n=" << n_
      << " input_offset=" << input_offset_ << " output_offset=" << output_offset_
      << " inplace=" << static_cast<int>(inplace_) << " slope=" << describe(slope_) << " element "
      << i;
    return s.str();
  }

  const std::vector<T>& pool_;
  std::size_t n_ = 0;
  std::size_t input_offset_ = 0;
  std::size_t output_offset_ = 0;
  std::size_t data_start_ = 0;
  in_place inplace_ = in_place::no;
  T slope_ = T(0.01);
};

}  // namespace testing
