// rectify through rectify::dispatch: this file alone is compiled with no -march flag and with
// RECTIFY_DISPATCH (bench/CMakeLists.txt links it to rectify::dispatch), the way a program
// shipped to machines it does not know is built. Its calls go through the same public API as the
// native contestant's and run the kernels the dispatch library chose at run time; the table sets
// them side by side.

#include "harness.hpp"

#ifndef RECTIFY_DISPATCH
#error "dispatch_contestant.cpp must be compiled with rectify::dispatch (RECTIFY_DISPATCH)"
#endif

namespace bench {
namespace {

struct rectify_dispatch_contestant {
  static constexpr std::string_view name = "rectify_dispatch";
  static constexpr bool pytorch_semantics = true;

  template <class T, class Op>
  static constexpr bool supports = true;

  // What the calls run, and what the caller itself was compiled for.
  static std::string label() {
    return std::string(rectify::active_isa()) + " via rectify::dispatch, caller built for " +
           xsimd::default_arch::name();
  }

  template <class T, class Op>
  static auto prepare(const problem<T>& p) {
    return [p](std::size_t call) { Op::rectify(p, call); };
  }
};

}  // namespace

void add_rectify_dispatch(std::vector<entry>& entries) {
  add_contestant<rectify_dispatch_contestant>(entries);
}

const char* dispatch_isa() { return rectify::active_isa(); }

}  // namespace bench
