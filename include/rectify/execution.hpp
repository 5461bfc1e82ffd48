#pragma once
// Execution policies, the first argument of the policy overloads (parallel.hpp):
//
//   rectify::relu_forward(x, y);                          // the calling thread, as always
//   rectify::relu_forward(rectify::par, x, y);            // large buffers split over threads
//   rectify::relu_forward(rectify::par.on(pool), x, y);   // ... over the program's own executor
//   rectify::relu_forward(rectify::par.with_grain(1 << 18), x, y);
//
// Every output bit is the same whichever policy, executor and number of threads run a call.
// rectify::par runs on OpenMP when the program is compiled with it (link rectify::openmp, or
// pass -fopenmp; define RECTIFY_NO_OPENMP to opt out), otherwise on a process-wide
// rectify::thread_pool created on first use.

#include "config.hpp"

#include <cstddef>
#include <limits>
#include <type_traits>
#include <utility>

#include "executor.hpp"
#include "thread_pool.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE {

// Each thread is given at least this many elements, so a call on fewer than twice as many runs
// on the calling thread and wakes no other. Measured on a 2-core machine: below about 128K
// floats the time to wake a thread and wait for it is as long as the time a second thread saves
// (docs/parallel.md).
inline constexpr std::size_t default_grain = std::size_t(1) << 16;

// Runs on the calling thread: the same as calling without a policy.
struct sequenced_policy {
  constexpr inline_executor get_executor() const noexcept { return {}; }
  constexpr std::size_t grain() const noexcept { return std::numeric_limits<std::size_t>::max(); }
  constexpr bool runs_serially(std::size_t) const noexcept { return true; }
};

// Splits a call of at least twice `grain` elements into ranges of at least `grain` elements
// and has the executor run them.
template <executor E>
class parallel_policy {
 public:
  constexpr parallel_policy() = default;
  constexpr explicit parallel_policy(E executor, std::size_t grain = default_grain)
      : executor_(std::move(executor)), grain_(grain) {}

  // The same policy on another executor. An lvalue is referred to, and must outlive the calls
  // made with the policy; an rvalue is kept by value.
  template <rectify::executor Other>
  constexpr parallel_policy<executor_reference<Other>> on(Other& executor) const {
    return parallel_policy<executor_reference<Other>>(executor_reference<Other>(executor), grain_);
  }
  template <rectify::executor Other>
    requires(!std::is_lvalue_reference_v<Other>)
  constexpr parallel_policy<Other> on(Other&& executor) const {
    return parallel_policy<Other>(std::move(executor), grain_);
  }

  // The same policy with another grain, in elements.
  constexpr parallel_policy with_grain(std::size_t elements) const {
    return parallel_policy(executor_, elements);
  }

  constexpr E& get_executor() noexcept { return executor_; }
  constexpr const E& get_executor() const noexcept { return executor_; }
  constexpr std::size_t grain() const noexcept { return grain_; }
  constexpr bool runs_serially(std::size_t n) const noexcept { return n / 2 < grain_; }

 private:
  E executor_{};
  std::size_t grain_ = default_grain;
};

// The process-wide thread_pool::shared(), as an executor that can be copied around.
struct shared_thread_pool {
  void parallel_for(std::size_t count, std::size_t grain, range_function fn) const {
    thread_pool::shared().parallel_for(count, grain, fn);
  }
};

template <class P>
struct is_execution_policy : std::false_type {};
template <>
struct is_execution_policy<sequenced_policy> : std::true_type {};
template <class E>
struct is_execution_policy<parallel_policy<E>> : std::true_type {};

template <class P>
concept execution_policy = is_execution_policy<std::remove_cvref_t<P>>::value;

inline constexpr sequenced_policy seq{};

// The default executor depends on how a translation unit is compiled. The inline namespaces give
// the two `par` objects different names, so a program whose files are compiled both ways holds
// two distinct objects rather than one whose type depends on which file the linker kept.
#if defined(_OPENMP) && !defined(RECTIFY_NO_OPENMP)
inline namespace openmp_default {
using default_executor = openmp_executor;
inline constexpr parallel_policy<default_executor> par{};
}  // namespace openmp_default
#else
inline namespace thread_pool_default {
using default_executor = shared_thread_pool;
inline constexpr parallel_policy<default_executor> par{};
}  // namespace thread_pool_default
#endif

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE
