// rectify through its public API, with the instruction set the build enables (the same call a
// user makes: validation included); and, for the thread-scaling block, the same call with
// rectify::par on a pool of its own.

#include "harness.hpp"

namespace bench {
namespace {

struct rectify_contestant {
  static constexpr std::string_view name = "rectify";
  static constexpr bool pytorch_semantics = true;

  template <class T, class Op>
  static constexpr bool supports = true;

  static std::string label() { return rectify::default_arch::name(); }

  template <class T, class Op>
  static auto prepare(const problem<T>& p) {
    return [p](std::size_t call) { Op::rectify(p, call); };
  }
};

// rectify::par on the thread-scaling block's pool, with the default grain: what a user gets from
// rectify::par without OpenMP. An explicit pool, so that the thread count is the row's and not
// the machine's or OMP_NUM_THREADS'.
struct rectify_parallel_contestant {
  static constexpr std::string_view name = "rectify";
  static constexpr bool pytorch_semantics = true;

  template <class T, class Op>
  static constexpr bool supports = true;

  static std::string label() {
    return std::string(rectify::default_arch::name()) + ", rectify::par on thread_pool(" +
           std::to_string(scaling_pool().size()) + "), grain " +
           std::to_string(rectify::default_grain);
  }

  template <class T, class Op>
  static auto prepare(const problem<T>& p) {
    return [p, policy = rectify::par.on(scaling_pool())](std::size_t call) {
      Op::rectify_with(policy, p, call);
    };
  }
};

}  // namespace

void add_rectify(std::vector<entry>& entries) { add_contestant<rectify_contestant>(entries); }

void add_rectify_threads(std::vector<entry>& entries, std::size_t threads) {
  if (threads == 1) {
    add_contestant<rectify_contestant>(entries);
  } else {
    add_contestant<rectify_parallel_contestant>(entries);
  }
}

}  // namespace bench
