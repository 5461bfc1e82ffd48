#pragma once
// Test data: the special values SEMANTICS.md names, a pool that mixes them into ordinary
// standard-normal values, bit-exact comparison and printing of floating-point values.

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace testing {

template <class T>
using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

template <class T>
T from_bits(bits_t<T> b) {
  return std::bit_cast<T>(b);
}
template <class T>
bits_t<T> to_bits(T v) {
  return std::bit_cast<bits_t<T>>(v);
}
template <class T>
bool same_bits(T a, T b) {
  return to_bits(a) == to_bits(b);
}

// A value and its bit pattern, so NaN payloads and the sign of zero show in failure messages.
template <class T>
std::string describe(T v) {
  char text[96];
  std::snprintf(text, sizeof text, "%.9g [0x%0*llx]", static_cast<double>(v),
                static_cast<int>(2 * sizeof(T)), static_cast<unsigned long long>(to_bits(v)));
  return text;
}

// A quiet NaN and a signalling NaN, each with a payload, positive and negative.
template <class T>
std::vector<T> nans() {
  if constexpr (sizeof(T) == 4) {
    return {from_bits<T>(0x7fc00000u), from_bits<T>(0xffc00000u), from_bits<T>(0x7fc12345u),
            from_bits<T>(0xffd54321u), from_bits<T>(0x7f812345u), from_bits<T>(0xff800001u)};
  } else {
    return {from_bits<T>(0x7ff8000000000000ull), from_bits<T>(0xfff8000000000000ull),
            from_bits<T>(0x7ff8123456789abcull), from_bits<T>(0xfffd4321abcdef01ull),
            from_bits<T>(0x7ff0123456789abcull), from_bits<T>(0xfff0000000000001ull)};
  }
}

template <class T>
std::vector<T> special_values() {
  using lim = std::numeric_limits<T>;
  std::vector<T> v = {T(+0.0),
                      T(-0.0),
                      lim::infinity(),
                      -lim::infinity(),
                      lim::denorm_min(),
                      -lim::denorm_min(),
                      lim::min() - lim::denorm_min(),
                      -(lim::min() - lim::denorm_min()),
                      lim::min(),
                      -lim::min(),
                      lim::max(),
                      -lim::max(),
                      lim::lowest(),
                      T(6),
                      std::nextafter(T(6), T(0)),
                      std::nextafter(T(6), T(7)),
                      T(-6),
                      T(1),
                      T(-1),
                      T(3),
                      T(-3),
                      T(7),
                      T(-7),
                      T(0.5),
                      T(-0.5),
                      lim::epsilon(),
                      -lim::epsilon(),
                      T(1e-30),
                      T(-1e-30)};
  for (T nan : nans<T>()) v.push_back(nan);
  return v;
}

// The slopes LeakyReLU is tested with: PyTorch's default, zero (where -Inf * 0 is NaN), a
// negative one, one that makes it the identity, a large one, and -0.
template <class T>
std::vector<T> slopes(bool non_negative_only) {
  if (non_negative_only) return {T(0.01), T(0), T(-0.0), T(0.25), T(1), T(3)};
  return {T(0.01), T(0), T(-0.0), T(-0.5), T(0.25), T(1), T(-3)};
}

// n values: about one in four a special value, the rest standard normal (half of them negative,
// like activations after BatchNorm), from a fixed seed.
template <class T>
std::vector<T> mixed_values(std::size_t n, std::uint32_t seed) {
  const std::vector<T> specials = special_values<T>();
  std::mt19937 rng(seed);
  std::normal_distribution<T> normal(T(0), T(3));
  std::uniform_int_distribution<std::size_t> pick(0, 4 * specials.size() - 1);
  std::vector<T> v(n);
  for (T& x : v) {
    const std::size_t k = pick(rng);
    x = k < specials.size() ? specials[k] : normal(rng);
  }
  return v;
}

// Values like mixed_values but with everything that could make a sum non-finite (NaN, infinities,
// magnitudes above 1e6) replaced by zeros, -0, denormals and tiny values: sums over them stay
// finite, so their bits show the order in which the terms were added.
template <class T>
std::vector<T> finite_values(std::size_t n, std::uint32_t seed) {
  std::vector<T> v = mixed_values<T>(n, seed);
  const T specials[] = {T(0),
                        T(-0.0),
                        std::numeric_limits<T>::denorm_min(),
                        -std::numeric_limits<T>::denorm_min(),
                        T(1e-30),
                        T(6)};
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i]) || std::fabs(v[i]) > T(1e6)) v[i] = specials[i % 6];
  }
  return v;
}

}  // namespace testing
