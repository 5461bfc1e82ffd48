#pragma once
// The inputs of the exhaustive sweeps, one chunk at a time: for float, every bit pattern, chunk k
// holding the patterns k * kChunk ... (k + 1) * kChunk - 1; for double, where 2^64 patterns are out
// of reach, a deterministic sample in which every special class is dense. The gradients dy
// come from a fixed set.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "values.hpp"

namespace testing::sweep {

// 2^16 elements: the x, dy, reference and output buffers of one thread stay within L2.
inline constexpr std::size_t kChunk = std::size_t(1) << 16;

// ---- float: every bit pattern --------------------------------------------------------------

inline constexpr std::size_t kFloatChunks = (std::size_t(1) << 32) / kChunk;

inline void fill_float_chunk(std::size_t chunk, std::span<float> x) {
  const auto first = static_cast<std::uint32_t>(chunk * kChunk);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = from_bits<float>(first + static_cast<std::uint32_t>(i));
  }
}

// The chunks a reduced run covers: every `stride`-th chunk, and every chunk that holds a bit
// pattern where the semantics change (zeros, denormals, 1, 6, the largest finite value,
// infinities, signalling and quiet NaNs), for both signs.
inline std::vector<std::size_t> float_chunks_sampled(std::size_t stride) {
  std::vector<std::size_t> chunks;
  for (std::size_t k = 0; k < kFloatChunks; k += stride) chunks.push_back(k);
  const std::uint32_t boundaries[] = {
      0x00000000u, 0x007fffffu, 0x00800000u, 0x3f800000u, 0x40bfffffu, 0x40c00000u, 0x40c00001u,
      0x7f7fffffu, 0x7f800000u, 0x7f800001u, 0x7fbfffffu, 0x7fc00000u, 0x7fffffffu};
  for (std::uint32_t b : boundaries) {
    for (std::uint32_t sign : {0u, 0x80000000u}) chunks.push_back((b | sign) / kChunk);
  }
  std::sort(chunks.begin(), chunks.end());
  chunks.erase(std::unique(chunks.begin(), chunks.end()), chunks.end());
  return chunks;
}

// ---- double: a sample dense in every special class -----------------------------------------

// A counter-based generator (splitmix64), so chunk k has the same values whichever thread
// fills it, in any order.
class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t operator()() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return (*this)() % n; }

 private:
  std::uint64_t state_;
};

// Bit patterns where the semantics of some op change, each swept over a run of consecutive
// patterns centred on it, with both signs.
inline constexpr std::array<std::uint64_t, 13> kDoubleBoundaries = {
    0x0000000000000000ull,  // +0, then the smallest denormals
    0x000fffffffffffffull,  // largest denormal
    0x0010000000000000ull,  // smallest normal
    0x3ff0000000000000ull,  // 1
    0x4017ffffffffffffull,  // just below 6
    0x4018000000000000ull,  // 6
    0x4018000000000001ull,  // just above 6
    0x7fefffffffffffffull,  // largest finite
    0x7ff0000000000000ull,  // infinity
    0x7ff0000000000001ull,  // smallest signalling NaN
    0x7ff7ffffffffffffull,  // largest signalling NaN
    0x7ff8000000000000ull,  // the default quiet NaN
    0x7fffffffffffffffull,  // largest quiet NaN
};
// Patterns swept on each side of each boundary.
inline constexpr std::uint64_t kBoundaryRun = 2048;
// The boundary runs fill the first chunks of the sample; the rest is drawn at random.
inline constexpr std::size_t kDoubleBoundaryChunks =
    (kDoubleBoundaries.size() * 2 * 2 * kBoundaryRun + kChunk - 1) / kChunk;

// One random double from a mix of classes: uniform bit patterns (every exponent, NaN included),
// ordinary magnitudes, and the special classes, each drawn often enough to meet every lane and
// every position of a vector many times.
inline double random_double(splitmix64& rng) {
  const std::uint64_t bits = rng();
  const std::uint64_t sign = rng() & 0x8000000000000000ull;
  const std::uint64_t mantissa = bits & 0x000fffffffffffffull;
  switch (rng.below(10)) {
    case 0:
    case 1:
    case 2:
    case 3:  // any bit pattern
      return from_bits<double>(bits);
    case 4:
    case 5: {  // |x| in [2^-64, 2^64): the values activations usually see
      const std::uint64_t exponent = 1023 - 64 + rng.below(128);
      return from_bits<double>(sign | (exponent << 52) | mantissa);
    }
    case 6:  // NaN, quiet or signalling, any payload
      return from_bits<double>(sign | 0x7ff0000000000000ull | (mantissa == 0 ? 1 : mantissa));
    case 7:  // denormal
      return from_bits<double>(sign | mantissa);
    case 8: {  // a few ulps around a boundary
      const std::uint64_t boundary = kDoubleBoundaries[rng.below(kDoubleBoundaries.size())];
      return from_bits<double>(sign | (boundary + rng.below(17) - 8));
    }
    default: {  // exact special values
      const double values[] = {0.0,
                               std::numeric_limits<double>::infinity(),
                               6.0,
                               1.0,
                               std::numeric_limits<double>::max(),
                               std::numeric_limits<double>::min(),
                               std::numeric_limits<double>::denorm_min()};
      const double v = values[rng.below(std::size(values))];
      return sign ? -v : v;
    }
  }
}

inline void fill_double_chunk(std::size_t chunk, std::span<double> x) {
  if (chunk < kDoubleBoundaryChunks) {
    // Runs of consecutive patterns around each boundary, then random values to fill the chunk.
    for (std::size_t i = 0; i < x.size(); ++i) {
      const std::uint64_t k = chunk * kChunk + i;
      const std::uint64_t run = k / (2 * kBoundaryRun);
      if (run >= 2 * kDoubleBoundaries.size()) {
        splitmix64 rng(k);
        x[i] = random_double(rng);
        continue;
      }
      const std::uint64_t sign = run % 2 ? 0x8000000000000000ull : 0;
      const std::uint64_t boundary = kDoubleBoundaries[run / 2];
      // A run that would cross +0 or the largest pattern is moved to lie beside it instead.
      const std::uint64_t start =
          std::clamp<std::uint64_t>(boundary, kBoundaryRun, 0x8000000000000000ull - kBoundaryRun) -
          kBoundaryRun;
      x[i] = from_bits<double>(sign | (start + k % (2 * kBoundaryRun)));
    }
    return;
  }
  splitmix64 rng(0x5eed000000000000ull ^ chunk);
  for (double& v : x) v = random_double(rng);
}

// ---- the gradients ----------------------------------------------------------------------------

// The dy values every x meets in the backward sweeps, one pass each: both zeros, both
// infinities, a quiet and a signalling NaN with payloads, a denormal and an ordinary value. A pass
// has one dy for the whole buffer, so PReLU's dw has a checkable finite value whenever dy is
// finite.
template <class T>
std::vector<T> gradient_set() {
  using lim = std::numeric_limits<T>;
  const std::vector<T> n = nans<T>();
  return {T(+0.0), T(-0.0), lim::infinity(),    -lim::infinity(),
          n[3],    n[4],    -lim::denorm_min(), T(-2.5)};
}

}  // namespace testing::sweep
