#pragma once
// The body every benchmark shares, whatever the op and the contestant: set up the problem on
// the shared buffers, prepare the contestant (primitives and plans are made here, never in the
// timed loop), check its output once against the expected one, then time it.
//
// A contestant is a type with
//   name                      how it appears in benchmark names and in the table;
//   pytorch_semantics         true if it must give PyTorch's bits exactly (rectify, the plain
//                             loop); false for peers, which may differ in the sign of a zero;
//   label()                   the instruction set or implementation it actually runs;
//   prepare<T, Op>(problem)   a callable run(call) doing one call of Op, call = 0, 1, 2, ...
//   supports<T, Op>           (a variable template) whether it has Op for T at all.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "agreement.hpp"
#include "ops.hpp"
#include "workload.hpp"

// What every translation unit of the benchmark shares, whatever its flags: the registry and the
// list of failures. Only data and declarations here; nothing that is timed.
namespace bench {

// One benchmark: "<op>/<type>/<placement>/<contestant>/<n>", and "/<k>_threads" after it in the
// thread-scaling block.
struct case_spec {
  std::string name;
  std::size_t n;
  placement where;
};

using case_function = void (*)(benchmark::State&, const case_spec&);

struct entry {
  std::string_view contestant;
  std::string_view op;
  case_function for_float;   // nullptr when the contestant has no float version of the op
  case_function for_double;  // likewise for double
  bool odd_layout;           // one of PReLU's odd layouts (ops.hpp), which have rows of their own
};

// Every failed check of the run, printed again at the end; the program then exits non-zero.
inline std::vector<std::string>& failures() {
  static std::vector<std::string> list;
  return list;
}

// Each contestant's file defines its function; main calls those that were compiled in.
void add_rectify(std::vector<entry>& entries);
void add_rectify_dispatch(std::vector<entry>& entries);
void add_plain_loop(std::vector<entry>& entries);
void add_eigen(std::vector<entry>& entries);
void add_onednn(std::vector<entry>& entries);

// The thread-scaling block: rectify's serial call (1 thread) and the same call with rectify::par
// on a pool of `threads` threads (threads > 1).
void add_rectify_threads(std::vector<entry>& entries, std::size_t threads);

// The thread count of the thread-scaling block's parallel rows (--threads, default 2).
inline std::size_t& scaling_threads() {
  static std::size_t threads = 2;
  return threads;
}

// The instruction set rectify::dispatch chose (rectify::active_isa()).
const char* dispatch_isa();

}  // namespace bench

// The templates that time and check a contestant, in the inline namespace of the rectify build
// they call (config.hpp): the dispatch contestant's translation unit is compiled without -march
// and with RECTIFY_DISPATCH, the others with -march=native, and the linker keeps one copy of
// each inline function whatever its flags. Distinct names keep the dispatch build's ops from
// standing in for the native build's, and the other way round.
namespace bench::inline RECTIFY_TARGET_NAMESPACE {

template <class T>
inline constexpr std::string_view type_name = std::is_same_v<T, float> ? "float" : "double";

// The pool of the thread-scaling block, on which rectify::par's rows and memcpy's run: made on
// first use with scaling_threads() threads, which main sets from --threads before that.
inline rectify::thread_pool& scaling_pool() {
  static rectify::thread_pool pool(scaling_threads());
  return pool;
}

// rectify's builds are checked against the plain scalar loop, bit for bit; everyone else against
// rectify's native build.
template <class Contestant>
inline constexpr bool is_reference_checked = Contestant::name.starts_with("rectify");

// Runs Op once with call 0's parameters and says how its output compares with the expected one:
// rectify's is checked against the plain scalar loop, everyone else's against rectify's.
template <class T, class Op, class Contestant, class Run>
std::string check_once(const problem<T>& p, Run& run) {
  auto& data = workload<T>::get();
  problem<T> expected = p;
  expected.x = data.x();
  expected.dy = p.dy ? data.dy() : nullptr;
  expected.out = data.expected();
  expected.dw = data.expected_dw();
  if constexpr (is_reference_checked<Contestant>) {
    Op::plain(expected, 0);
  } else {
    Op::rectify(expected, 0);
  }
  run(std::size_t{0});
  agreement result = compare_outputs(p.out, expected.out, p.n, !Contestant::pytorch_semantics);
  if (!result.mismatch && Op::writes_dw) {
    const agreement dw =
        compare_slope_gradients(p.dw, expected.dw, data.x(), data.dy(), p.n, p.channels, p.inner);
    result = {dw.mismatch, dw.mismatch ? dw.summary : result.summary + ", " + dw.summary};
  }
  return result.summary;
}

template <class T, class Op, class Contestant>
void run_case(benchmark::State& state, const case_spec& spec) {
  // Google Benchmark calls this several times per benchmark; the check runs on the first call.
  static std::map<std::string, std::string> labels;
  auto& data = workload<T>::get();
  const std::size_t n = spec.n;
  try {
    problem<T> p = data.make(n, Op::inputs, spec.where, Op::channels(n), Op::inner(n));
    auto run = Contestant::template prepare<T, Op>(p);
    auto [label, first] = labels.try_emplace(spec.name);
    if (first) {
      const std::string outcome = check_once<T, Op, Contestant>(p, run);
      label->second = Contestant::label() + "; check: " + outcome;
      if (outcome.starts_with("MISMATCH")) {
        failures().push_back(spec.name + ": " + outcome);
      }
      p = data.make(n, Op::inputs, spec.where, Op::channels(n), Op::inner(n));
    }
    std::size_t call = 0;
    for (auto _ : state) {
      run(call++);
      benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(Op::template bytes<T>(n)));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(n));
    state.SetLabel(label->second);
  } catch (const std::exception& error) {
    // Checked again on the next call, so that it never gets timed unchecked.
    labels.erase(spec.name);
    const std::string message = spec.name + ": " + error.what();
    if (labels.try_emplace(spec.name + "/error").second) failures().push_back(message);
    state.SkipWithError(message.c_str());
  }
}

// The registry entry of Op for a contestant, with the element types the contestant supports.
template <class Op, class Contestant>
entry make_entry() {
  entry e{Contestant::name, Op::name, nullptr, nullptr, Op::odd_layout};
  if constexpr (Contestant::template supports<float, Op>) {
    e.for_float = &run_case<float, Op, Contestant>;
  }
  if constexpr (Contestant::template supports<double, Op>) {
    e.for_double = &run_case<double, Op, Contestant>;
  }
  return e;
}

// Adds an entry for every op the contestant has.
template <class Contestant>
void add_contestant(std::vector<entry>& entries) {
  for_each_op([&]<class Op>() {
    if constexpr (Contestant::template supports<float, Op> ||
                  Contestant::template supports<double, Op>) {
      entries.push_back(make_entry<Op, Contestant>());
    }
  });
}

}  // namespace bench::inline RECTIFY_TARGET_NAMESPACE
