// oneDNN's eltwise (relu, relu with alpha, clip_v2, and their use_dst_for_bwd forms for the
// backward from the output) and prelu primitives, forward and backward, on one thread. The
// primitives and memory objects are made in prepare(), outside the timed loop; a call only
// executes. oneDNN has no derivative primitive and its CPU engine no f64 eltwise or prelu, so
// those rows have no oneDNN entry.
//
// oneDNN's backward gives alpha * dy where PyTorch gives +0 (ReLU, ReLU6): -0 for a negative dy.
// The check allows that difference in the sign of zero and counts it.

#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <array>
#include <unordered_map>

#include "harness.hpp"

namespace bench {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using tag = memory::format_tag;

struct eltwise_form {
  algorithm forward_algorithm;   // the forward primitive, or the backward's hint
  algorithm backward_algorithm;  // unused by forward ops
  bool backward;
  bool uses_slope;  // alpha is the op's slope
  float beta;
};

// One overload per op oneDNN has a primitive for.
constexpr eltwise_form form(testing::relu_forward_k) {
  return {algorithm::eltwise_relu, algorithm::eltwise_relu, false, false, 0};
}
constexpr eltwise_form form(testing::relu_backward_k) {
  return {algorithm::eltwise_relu, algorithm::eltwise_relu, true, false, 0};
}
constexpr eltwise_form form(testing::relu_backward_from_output_k) {
  return {algorithm::eltwise_relu_use_dst_for_bwd, algorithm::eltwise_relu_use_dst_for_bwd, true,
          false, 0};
}
constexpr eltwise_form form(testing::relu6_forward_k) {
  return {algorithm::eltwise_clip_v2, algorithm::eltwise_clip_v2, false, false, 6};
}
constexpr eltwise_form form(testing::relu6_backward_k) {
  return {algorithm::eltwise_clip_v2, algorithm::eltwise_clip_v2, true, false, 6};
}
constexpr eltwise_form form(testing::relu6_backward_from_output_k) {
  return {algorithm::eltwise_clip_v2_use_dst_for_bwd, algorithm::eltwise_clip_v2_use_dst_for_bwd,
          true, false, 6};
}
constexpr eltwise_form form(testing::leaky_relu_forward_k) {
  return {algorithm::eltwise_relu, algorithm::eltwise_relu, false, true, 0};
}
constexpr eltwise_form form(testing::leaky_relu_backward_k) {
  return {algorithm::eltwise_relu, algorithm::eltwise_relu, true, true, 0};
}
constexpr eltwise_form form(testing::leaky_relu_backward_from_output_k) {
  return {algorithm::eltwise_relu_use_dst_for_bwd, algorithm::eltwise_relu_use_dst_for_bwd, true,
          true, 0};
}

template <class Op>
concept has_eltwise_form = requires {
  form(typename Op::kernel{});
};

template <class Op>
concept is_prelu_with_primitive = requires {
  Op::dir;
  requires Op::dir != direction::derivative;
};

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// A primitive and its arguments for each parity of the call number (the in-place slopes).
struct prepared {
  std::array<dnnl::primitive, 2> primitive;
  std::array<std::unordered_map<int, memory>, 2> arguments;
  std::string implementation;
};

memory wrap(const memory::desc& desc, const float* data) {
  return memory(desc, cpu_engine(), const_cast<float*>(data));
}

template <class Op>
prepared prepare_eltwise(const problem<float>& p) {
  constexpr eltwise_form f = form(typename Op::kernel{});
  const memory::desc desc({static_cast<memory::dim>(p.n)}, memory::data_type::f32, tag::a);
  prepared result;
  for (std::size_t parity = 0; parity < 2; ++parity) {
    const float alpha = f.uses_slope ? p.slope[parity] : 0.0f;
    auto& args = result.arguments[parity];
    if constexpr (!f.backward) {
      const dnnl::eltwise_forward::primitive_desc pd(
          {dnnl::prop_kind::forward_inference, f.forward_algorithm, desc, alpha, f.beta},
          cpu_engine());
      result.primitive[parity] = dnnl::eltwise_forward(pd);
      result.implementation = pd.impl_info_str();
      args = {{DNNL_ARG_SRC, wrap(desc, p.x)}, {DNNL_ARG_DST, wrap(desc, p.out)}};
    } else {
      const dnnl::eltwise_forward::primitive_desc hint(
          {dnnl::prop_kind::forward_training, f.forward_algorithm, desc, alpha, f.beta},
          cpu_engine());
      const dnnl::eltwise_backward::primitive_desc pd(
          {f.backward_algorithm, desc, desc, alpha, f.beta}, cpu_engine(), hint);
      result.primitive[parity] = dnnl::eltwise_backward(pd);
      result.implementation = pd.impl_info_str();
      const bool from_output = f.backward_algorithm == algorithm::eltwise_relu_use_dst_for_bwd ||
                               f.backward_algorithm == algorithm::eltwise_clip_v2_use_dst_for_bwd;
      args = {{from_output ? DNNL_ARG_DST : DNNL_ARG_SRC, wrap(desc, p.x)},
              {DNNL_ARG_DIFF_DST, wrap(desc, p.dy)},
              {DNNL_ARG_DIFF_SRC, wrap(desc, p.out)}};
    }
  }
  return result;
}

// PReLU's tensors: channels-first as (n / (C * inner), C, inner) with weights (1, C, 1),
// channels-last as (n / C, C) with weights (1, C); both plain row-major, as rectify reads them.
template <class Op>
prepared prepare_prelu(const problem<float>& p) {
  const auto C = static_cast<memory::dim>(p.channels);
  const auto n = static_cast<memory::dim>(p.n);
  const bool first = Op::memory_layout == layout::channels_first;
  const memory::desc data = first ? memory::desc({n / (C * static_cast<memory::dim>(p.inner)), C,
                                                  static_cast<memory::dim>(p.inner)},
                                                 memory::data_type::f32, tag::abc)
                                  : memory::desc({n / C, C}, memory::data_type::f32, tag::ab);
  const memory::desc weights = first ? memory::desc({1, C, 1}, memory::data_type::f32, tag::abc)
                                     : memory::desc({1, C}, memory::data_type::f32, tag::ab);
  const dnnl::prelu_forward::primitive_desc forward(
      {dnnl::prop_kind::forward_training, data, weights}, cpu_engine());
  prepared result;
  for (std::size_t parity = 0; parity < 2; ++parity) {
    auto& args = result.arguments[parity];
    if constexpr (Op::dir == direction::forward) {
      result.primitive[parity] = dnnl::prelu_forward(forward);
      result.implementation = forward.impl_info_str();
      args = {{DNNL_ARG_SRC, wrap(data, p.x)},
              {DNNL_ARG_WEIGHTS, wrap(weights, p.w[parity])},
              {DNNL_ARG_DST, wrap(data, p.out)}};
    } else {
      const dnnl::prelu_backward::primitive_desc pd({data, weights, data, weights}, cpu_engine(),
                                                    forward);
      result.primitive[parity] = dnnl::prelu_backward(pd);
      result.implementation = pd.impl_info_str();
      args = {{DNNL_ARG_SRC, wrap(data, p.x)},
              {DNNL_ARG_WEIGHTS, wrap(weights, p.w[parity])},
              {DNNL_ARG_DIFF_DST, wrap(data, p.dy)},
              {DNNL_ARG_DIFF_SRC, wrap(data, p.out)},
              {DNNL_ARG_DIFF_WEIGHTS, wrap(weights, p.dw)}};
    }
  }
  return result;
}

struct onednn_contestant {
  static constexpr std::string_view name = "onednn";
  static constexpr bool pytorch_semantics = false;

  template <class T, class Op>
  static constexpr bool supports = std::is_same_v<T, float> &&
                                   (has_eltwise_form<Op> || is_prelu_with_primitive<Op>);

  // The implementation of the last primitive prepared: the ISA oneDNN's dispatcher picked.
  static std::string& last_implementation() {
    static std::string name;
    return name;
  }

  static std::string label() {
    return "oneDNN " + std::to_string(DNNL_VERSION_MAJOR) + "." +
           std::to_string(DNNL_VERSION_MINOR) + "." + std::to_string(DNNL_VERSION_PATCH) + " " +
           last_implementation() + ", " + std::to_string(omp_get_max_threads()) + " thread(s)";
  }

  template <class T, class Op>
  static auto prepare(const problem<T>& p) {
    prepared state;
    if constexpr (has_eltwise_form<Op>) {
      state = prepare_eltwise<Op>(p);
    } else {
      state = prepare_prelu<Op>(p);
    }
    last_implementation() = state.implementation;
    return
        [state = std::move(state), stream = dnnl::stream(cpu_engine())](std::size_t call) mutable {
          state.primitive[call % 2].execute(stream, state.arguments[call % 2]);
          stream.wait();
        };
  }
};

}  // namespace

void add_onednn(std::vector<entry>& entries) {
  // Debian's oneDNN runs on OpenMP: one thread, like every other contestant.
  omp_set_num_threads(1);
  add_contestant<onednn_contestant>(entries);
}

}  // namespace bench
