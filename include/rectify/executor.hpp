#pragma once
// What rectify asks of whatever runs its parallel work, so a program that already has a thread
// pool (TBB, a game engine's, its own) hands rectify that pool instead of getting a second one:
//
//   struct my_executor {
//     void parallel_for(std::size_t count, std::size_t grain, rectify::range_function fn);
//   };
//
// parallel_for must call fn(begin, end) over disjoint ranges that together cover [0, count),
// from any threads, at the same time or not, in any order, and return once every call has
// returned. grain is the fewest indices worth a range of their own; an executor may make ranges
// longer, or run everything as one call on the calling thread. fn does not throw. The indices
// are rectify's units of work (blocks of elements); which thread runs which range never changes
// a result.
//
// The executors rectify brings: inline_executor (the calling thread), thread_pool
// (thread_pool.hpp) and, when the program is compiled with OpenMP, openmp_executor.

#include "config.hpp"

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <memory>
#include <type_traits>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace rectify::inline RECTIFY_TARGET_NAMESPACE {

// A non-owning reference to rectify's work for one parallel call, valid until parallel_for
// returns: copy it freely into the threads that run it.
class range_function {
 public:
  template <class F>
    requires(!std::same_as<std::remove_cvref_t<F>, range_function>)
  explicit range_function(F& f) noexcept
      : object_(std::addressof(f)),
        call_([](void* object, std::size_t begin, std::size_t end) noexcept {
          (*static_cast<F*>(object))(begin, end);
        }) {}

  void operator()(std::size_t begin, std::size_t end) const noexcept { call_(object_, begin, end); }

 private:
  void* object_;
  void (*call_)(void*, std::size_t, std::size_t) noexcept;
};

template <class E>
concept executor = requires(E& e, std::size_t count, std::size_t grain, range_function fn) {
  e.parallel_for(count, grain, fn);
};

// Runs everything on the calling thread: what rectify::seq uses, and a stand-in for tests.
struct inline_executor {
  void parallel_for(std::size_t count, std::size_t, range_function fn) const noexcept {
    if (count != 0) fn(0, count);
  }
};

// A reference to an executor the caller owns, which must outlive the call it is used in.
template <executor E>
class executor_reference {
 public:
  explicit executor_reference(E& e) noexcept : executor_(std::addressof(e)) {}
  void parallel_for(std::size_t count, std::size_t grain, range_function fn) const {
    executor_->parallel_for(count, grain, fn);
  }

 private:
  E* executor_;
};

#if defined(_OPENMP)
// An OpenMP parallel region per call, one contiguous range per thread. OpenMP's own settings
// apply (OMP_NUM_THREADS, nesting, the wait policy that keeps its threads ready); `threads`
// caps the team for this executor, 0 leaves it to OpenMP.
class openmp_executor {
 public:
  constexpr openmp_executor() noexcept = default;
  constexpr explicit openmp_executor(int threads) noexcept : threads_(threads) {}

  void parallel_for(std::size_t count, std::size_t grain, range_function fn) const {
    const int limit = threads_ > 0 ? threads_ : omp_get_max_threads();
    const std::size_t ranges = std::min(count / std::max<std::size_t>(grain, 1),
                                        static_cast<std::size_t>(std::max(limit, 1)));
    if (ranges < 2) {
      if (count != 0) fn(0, count);
      return;
    }
    const int team_size = static_cast<int>(ranges);
#pragma omp parallel num_threads(team_size)
    {
      // The team may be smaller than asked for (nesting, thread limits): split by its real size.
      const auto team = static_cast<std::size_t>(omp_get_num_threads());
      const auto member = static_cast<std::size_t>(omp_get_thread_num());
      const std::size_t base = count / team, longer = count % team;
      const std::size_t begin = member * base + std::min(member, longer);
      const std::size_t end = begin + base + (member < longer ? 1 : 0);
      if (begin < end) fn(begin, end);
    }
  }

 private:
  int threads_ = 0;
};
#endif

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE
