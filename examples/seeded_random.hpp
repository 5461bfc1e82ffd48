#pragma once
// The examples' random numbers, written out (splitmix64, then Box-Muller) so that a seed gives the
// same numbers with every compiler and standard library: the algorithm behind
// std::normal_distribution is left to each library, and the printed results are checked.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>

class seeded_random {
 public:
  explicit seeded_random(std::uint64_t seed) : state_(seed) {}

  // Uniform in [0, 1), from the top 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Standard normal. Box-Muller makes two at a time; the second is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));  // 1 - u > 0: log finite
    const double angle = 2.0 * std::numbers::pi * uniform();
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  template <class T>
  void fill_normal(std::span<T> values, double mean = 0.0, double stddev = 1.0) {
    for (T& value : values) value = static_cast<T>(mean + stddev * normal());
  }

 private:
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }

  std::uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};
