// The plain scalar loop of plain_loop.hpp, compiled with the benchmark's flags: what the
// compiler makes of the obvious code. The report says whether it was vectorised.

#include "build_info.hpp"
#include "harness.hpp"

namespace bench {
namespace {

struct plain_loop_contestant {
  static constexpr std::string_view name = "plain_loop";
  static constexpr bool pytorch_semantics = true;

  template <class T, class Op>
  static constexpr bool supports = true;

  static std::string label() { return "scalar source, " RECTIFY_BENCH_FLAGS; }

  template <class T, class Op>
  static auto prepare(const problem<T>& p) {
    return [p](std::size_t call) { Op::plain(p, call); };
  }
};

}  // namespace

void add_plain_loop(std::vector<entry>& entries) { add_contestant<plain_loop_contestant>(entries); }

}  // namespace bench
