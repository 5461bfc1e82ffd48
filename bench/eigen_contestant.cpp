// Eigen, written the way its users write these ops: cwiseMax/cwiseMin for the clamps, a
// comparison and select for everything else, over Maps of the same buffers. Eigen vectorises
// with the instruction sets the build enables; its label lists them.
//
// Eigen's max differs from PyTorch's ReLU at NaN and -0; on the benchmark's finite input the
// results must agree, and the check says so.

// harness.hpp first: it brings in <immintrin.h> through rectify/simd.hpp, under the pragma that
// silences g++ 12's false -Wmaybe-uninitialized in avx512fintrin.h (GCC PR105593), which Eigen's
// max and min would otherwise trigger.
#include "harness.hpp"

#include <Eigen/Core>

#include <algorithm>

namespace bench {
namespace {

template <class T>
using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T>
using input = Eigen::Map<const vector<T>>;
template <class T>
using output = Eigen::Map<vector<T>>;
template <class T>
using block = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using input_block = Eigen::Map<const block<T>>;
template <class T>
using output_block = Eigen::Map<block<T>>;

inline Eigen::Index index(std::size_t value) { return static_cast<Eigen::Index>(value); }

// The problem's buffers as Eigen vectors.
template <class T>
struct views {
  Eigen::Index n;
  input<T> x, dy;
  output<T> out;
  explicit views(const problem<T>& p)
      : n(index(p.n)), x(p.x, n), dy(p.dy, p.dy ? n : 0), out(p.out, n) {}
  auto ones() const { return vector<T>::Ones(n).array(); }
};

// One overload per op Eigen has a form for; an op without one is left out of the table.
template <class T>
void compute(testing::relu_forward_k, const problem<T>& p, std::size_t) {
  views<T> v(p);
  v.out = v.x.cwiseMax(T(0));
}
template <class T>
void compute(testing::relu_derivative_k, const problem<T>& p, std::size_t) {
  views<T> v(p);
  v.out.array() = (v.x.array() > T(0)).select(v.ones(), T(0));
}
template <class T>
void compute(testing::relu_backward_k, const problem<T>& p, std::size_t) {
  views<T> v(p);
  v.out.array() = (v.x.array() > T(0)).select(v.dy.array(), T(0));
}
template <class T>
void compute(testing::relu_backward_from_output_k, const problem<T>& p, std::size_t call) {
  compute(testing::relu_backward_k{}, p, call);
}

template <class T>
void compute(testing::relu6_forward_k, const problem<T>& p, std::size_t) {
  views<T> v(p);
  v.out = v.x.cwiseMax(T(0)).cwiseMin(T(6));
}
template <class T>
void compute(testing::relu6_derivative_k, const problem<T>& p, std::size_t) {
  views<T> v(p);
  const auto x = v.x.array();
  v.out.array() = (x > T(0) && x < T(6)).select(v.ones(), T(0));
}
template <class T>
void compute(testing::relu6_backward_k, const problem<T>& p, std::size_t) {
  views<T> v(p);
  const auto x = v.x.array();
  v.out.array() = (x > T(0) && x < T(6)).select(v.dy.array(), T(0));
}
template <class T>
void compute(testing::relu6_backward_from_output_k, const problem<T>& p, std::size_t call) {
  compute(testing::relu6_backward_k{}, p, call);
}

template <class T>
void compute(testing::leaky_relu_forward_k, const problem<T>& p, std::size_t call) {
  views<T> v(p);
  const auto x = v.x.array();
  v.out.array() = (x > T(0)).select(x, x * p.slope[call % 2]);
}
template <class T>
void compute(testing::leaky_relu_derivative_k, const problem<T>& p, std::size_t call) {
  views<T> v(p);
  v.out.array() = (v.x.array() > T(0)).select(v.ones(), p.slope[call % 2]);
}
template <class T>
void compute(testing::leaky_relu_backward_k, const problem<T>& p, std::size_t call) {
  views<T> v(p);
  const auto dy = v.dy.array();
  v.out.array() = (v.x.array() > T(0)).select(dy, dy * p.slope[call % 2]);
}
template <class T>
void compute(testing::leaky_relu_backward_from_output_k, const problem<T>& p, std::size_t call) {
  compute(testing::leaky_relu_backward_k{}, p, call);
}

// PReLU, in every layout. Channels-first, each channel is a contiguous run of `inner` elements
// (batch after batch): the LeakyReLU forms with that channel's slope, on a segment.
// Channels-last, the buffer is a column-major C x (n / C) array and the slopes broadcast down
// each column. (Eigen 3.4's rowwise/colwise broadcasts inside a select on the channels-first
// [C][inner] array run at well under 1 GB/s; no user would keep that form.) The slope gradient
// is written sum(min(x, 0) * dy): equal to the select form on finite input, and a reduction
// Eigen vectorises, which it does not do for a select in 3.4.
template <class T>
using column = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T>
using segment = Eigen::Map<const column<T>>;
template <class T>
using output_segment = Eigen::Map<column<T>>;

template <class T, layout Layout, std::size_t Channels, std::size_t Inner>
void compute(prelu_op<direction::forward, Layout, Channels, Inner>, const problem<T>& p,
             std::size_t call) {
  const T* w = p.w[call % 2];
  if constexpr (Layout == layout::channels_first) {
    const Eigen::Index inner = index(p.inner);
    for (std::size_t i = 0, c = 0; i < p.n; i += p.inner, c = (c + 1) % p.channels) {
      const segment<T> x(p.x + i, inner);
      output_segment<T>(p.out + i, inner) = (x > T(0)).select(x, x * w[c]);
    }
  } else {
    const Eigen::Index channels = index(p.channels), positions = index(p.n / p.channels);
    const segment<T> slopes(w, channels);
    const input_block<T> x(p.x, channels, positions);
    output_block<T>(p.out, channels, positions) = (x > T(0)).select(x, x.colwise() * slopes);
  }
}

template <class T, layout Layout, std::size_t Channels, std::size_t Inner>
void compute(prelu_op<direction::derivative, Layout, Channels, Inner>, const problem<T>& p,
             std::size_t call) {
  const T* w = p.w[call % 2];
  if constexpr (Layout == layout::channels_first) {
    const Eigen::Index inner = index(p.inner);
    for (std::size_t i = 0, c = 0; i < p.n; i += p.inner, c = (c + 1) % p.channels) {
      const segment<T> x(p.x + i, inner);
      output_segment<T>(p.out + i, inner) = (x > T(0)).select(column<T>::Ones(inner), w[c]);
    }
  } else {
    const Eigen::Index channels = index(p.channels), positions = index(p.n / p.channels);
    const segment<T> slopes(w, channels);
    const input_block<T> x(p.x, channels, positions);
    output_block<T>(p.out, channels, positions) =
        (x > T(0)).select(block<T>::Ones(channels, positions),
                          block<T>::Zero(channels, positions).colwise() + slopes);
  }
}

// dw is summed before dx is written: in place, dx is dy's buffer.
template <class T, layout Layout, std::size_t Channels, std::size_t Inner>
void compute(prelu_op<direction::backward, Layout, Channels, Inner>, const problem<T>& p,
             std::size_t call) {
  const T* w = p.w[call % 2];
  if constexpr (Layout == layout::channels_first) {
    const Eigen::Index inner = index(p.inner);
    std::fill(p.dw, p.dw + p.channels, T(0));
    for (std::size_t i = 0, c = 0; i < p.n; i += p.inner, c = (c + 1) % p.channels) {
      const segment<T> x(p.x + i, inner);
      const segment<T> dy(p.dy + i, inner);
      p.dw[c] += (x.min(T(0)) * dy).sum();
      output_segment<T>(p.out + i, inner) = (x > T(0)).select(dy, dy * w[c]);
    }
  } else {
    const Eigen::Index channels = index(p.channels), positions = index(p.n / p.channels);
    const segment<T> slopes(w, channels);
    const input_block<T> x(p.x, channels, positions);
    const input_block<T> dy(p.dy, channels, positions);
    output_segment<T>(p.dw, channels) = (x.min(T(0)) * dy).rowwise().sum();
    output_block<T>(p.out, channels, positions) = (x > T(0)).select(dy, dy.colwise() * slopes);
  }
}

template <class T, class Op>
concept has_eigen_form = requires(const problem<T>& p) {
  compute(std::declval<typename Op::kernel>(), p, std::size_t{0});
}
|| requires(const problem<T>& p) { compute(Op{}, p, std::size_t{0}); };

struct eigen_contestant {
  static constexpr std::string_view name = "eigen";
  static constexpr bool pytorch_semantics = false;

  template <class T, class Op>
  static constexpr bool supports = has_eigen_form<T, Op>;

  static std::string label() {
    std::string isa = Eigen::SimdInstructionSetsInUse();
    return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
           std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) + " " +
           isa.substr(0, isa.find(','));
  }

  template <class T, class Op>
  static auto prepare(const problem<T>& p) {
    return [p](std::size_t call) {
      if constexpr (requires { typename Op::kernel; }) {
        compute(typename Op::kernel{}, p, call);
      } else {
        compute(Op{}, p, call);
      }
    };
  }
};

}  // namespace

void add_eigen(std::vector<entry>& entries) { add_contestant<eigen_contestant>(entries); }

}  // namespace bench
