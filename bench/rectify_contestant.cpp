// rectify through its public API, with the instruction set the build enables (the same call a
// user makes: validation included).

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

}  // namespace

void add_rectify(std::vector<entry>& entries) { add_contestant<rectify_contestant>(entries); }

}  // namespace bench
