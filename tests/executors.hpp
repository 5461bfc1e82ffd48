#pragma once
// Executors the tests run rectify's parallel calls on: thread pools of 1, 2, 3 and 7 threads,
// one that cuts and reorders the work at random, one that counts its calls.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include <rectify/rectify.hpp>

namespace testing {

inline constexpr std::size_t kThreadCounts[] = {1, 2, 3, 7};

// One pool per thread count in kThreadCounts, shared by every test.
inline rectify::thread_pool& pool_of(std::size_t threads) {
  static rectify::thread_pool one(1), two(2), three(3), seven(7);
  switch (threads) {
    case 1:
      return one;
    case 2:
      return two;
    case 3:
      return three;
    default:
      return seven;
  }
}

// Cuts [0, count) into ranges of random length, ignoring the grain, and runs them in random
// order on the calling thread: results must not depend on how the work is cut or ordered.
class shuffling_executor {
 public:
  explicit shuffling_executor(std::uint32_t seed) : rng_(seed) {}
  void parallel_for(std::size_t count, std::size_t, rectify::range_function fn) {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    std::uniform_int_distribution<std::size_t> length(1, 3);
    for (std::size_t begin = 0; begin < count;) {
      const std::size_t end = std::min(count, begin + length(rng_));
      ranges.emplace_back(begin, end);
      begin = end;
    }
    std::shuffle(ranges.begin(), ranges.end(), rng_);
    for (const auto& [begin, end] : ranges) fn(begin, end);
  }

 private:
  std::mt19937 rng_;
};

// Counts the calls it is given and runs them on the calling thread.
struct counting_executor {
  std::size_t calls = 0;
  void parallel_for(std::size_t count, std::size_t grain, rectify::range_function fn) {
    ++calls;
    rectify::inline_executor{}.parallel_for(count, grain, fn);
  }
};

}  // namespace testing
