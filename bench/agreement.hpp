#pragma once
// How a contestant's output compares with the expected one, said in one line for the label.
//
// rectify is compared with the plain scalar loop (the tests' reference semantics), every other
// contestant with rectify. The input is finite, so the only place where a peer's semantics may
// legitimately differ from PyTorch's is the sign of a zero (oneDNN's backward gives dy * 0, which
// is -0 for a negative dy, where PyTorch gives +0): contestants that do not promise PyTorch's
// semantics may differ there, and the label counts those elements. Anything else is a mismatch.

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>

namespace bench {

struct agreement {
  bool mismatch = false;
  std::string summary;
};

template <class T>
inline bool same_bits(T a, T b) noexcept {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <class T>
inline agreement compare_outputs(const T* got, const T* want, std::size_t n,
                                 bool zero_sign_may_differ) {
  std::size_t zero_sign_differences = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (same_bits(got[i], want[i])) continue;
    if (zero_sign_may_differ && got[i] == T(0) && want[i] == T(0)) {
      ++zero_sign_differences;
      continue;
    }
    std::ostringstream message;
    message.precision(std::numeric_limits<T>::max_digits10);
    message << "MISMATCH at element " << i << " of " << n << ": got " << got[i] << ", expected "
            << want[i];
    return {true, message.str()};
  }
  if (zero_sign_differences == 0) return {false, "identical"};
  return {false, "identical but for the sign of zero in " + std::to_string(zero_sign_differences) +
                     " of " + std::to_string(n) + " elements"};
}

// PReLU's dw is a sum whose order is free: each of two results is within m * eps * sum|x * dy|
// (+ m * denorm_min for products that underflow) of the exact sum over the m elements of its
// channel, so they are within twice that of each other.
template <class T>
inline agreement compare_slope_gradients(const T* got, const T* want, const T* x, const T* dy,
                                         std::size_t n, std::size_t channels, std::size_t inner) {
  for (std::size_t c = 0; c < channels; ++c) {
    double magnitude = 0;
    std::size_t m = 0;
    for (std::size_t i = c * inner; i < n; i += channels * inner) {
      for (std::size_t j = i; j < i + inner; ++j, ++m) {
        magnitude += std::fabs(double(x[j]) * double(dy[j]));
      }
    }
    const double bound = 2 * double(m) *
                         (double(std::numeric_limits<T>::epsilon()) * magnitude +
                          double(std::numeric_limits<T>::denorm_min()));
    const double error = std::fabs(double(got[c]) - double(want[c]));
    if (!(error <= bound)) {
      std::ostringstream message;
      message.precision(std::numeric_limits<T>::max_digits10);
      message << "MISMATCH in dw[" << c << "]: got " << got[c] << ", expected " << want[c]
              << " (allowed difference " << bound << ")";
      return {true, message.str()};
    }
  }
  return {false, "dw within the rounding bound of a sum"};
}

}  // namespace bench
