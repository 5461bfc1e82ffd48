#pragma once
// The maths of each activation, written once. Every function is a template over V, which is
// either the element type (the scalar form, which is also the tail of every kernel loop and the
// meaning of the op) or an xsimd batch (the vector form): the same line serves both.

#include "simd.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::ops {

struct relu {
  // x < 0 ? 0 : x rather than xsimd's max(x, 0): relu(-0) = -0 and relu(NaN) = NaN with its
  // bits unchanged (at_least is that select, in one instruction where there is one).
  template <class V>
  static V forward(V x) noexcept {
    return at_least(x, splat<V>(0));
  }
  // x <= 0 rather than x > 0: the derivative at NaN is 1, as PyTorch's threshold_backward gives.
  template <class V>
  static V derivative(V x) noexcept {
    return if_else(x <= splat<V>(0), splat<V>(0), splat<V>(1));
  }
  // A select, never dy * derivative: Inf * 0 would be NaN where the gradient must be +0.
  template <class V>
  static V backward(V x, V dy) noexcept {
    return if_else(x <= splat<V>(0), splat<V>(0), dy);
  }
  // relu(x) <= 0 exactly when x <= 0 or x is -0, so the output decides as well as the input.
  template <class V>
  static V backward_from_output(V y, V dy) noexcept {
    return backward(y, dy);
  }
};

struct relu6 {
  // x < 0 ? +0 : (x > 6 ? 6 : x), written inside out: x > 6 ? 6 : x keeps NaN and -0, which the
  // outer select keeps too.
  template <class V>
  static V forward(V x) noexcept {
    return at_least(at_most(x, splat<V>(6)), splat<V>(0));
  }
  // x <= 0 or x >= 6 with one comparison instead of two: inside (0, 6) both x and 6 - x are
  // above 0 (6 - x is never rounded to 0 there), outside one of them is not, so the smaller of
  // the two is <= 0 exactly outside. NaN makes it NaN, which is not <= 0: NaN gives 1 in every
  // position of a buffer. No product, so a caller's flush-to-zero mode cannot flush a small x.
  // Two comparisons into mask registers per vector were what bounded the derivative on AVX-512.
  template <class V>
  static auto outside(V x) noexcept {
    return at_most(x, splat<V>(6) - x) <= splat<V>(0);
  }
  template <class V>
  static V derivative(V x) noexcept {
    return if_else(outside(x), splat<V>(0), splat<V>(1));
  }
  template <class V>
  static V backward(V x, V dy) noexcept {
    return if_else(outside(x), splat<V>(0), dy);
  }
  // relu6 maps (0, 6) onto itself and everything else to 0, 6, -0 or NaN, which keep their side.
  template <class V>
  static V backward_from_output(V y, V dy) noexcept {
    return backward(y, dy);
  }
};

// LeakyReLU with the slope as an operand, so PReLU uses the very same lines with a slope per
// channel (a broadcast scalar or a vector of slopes).
struct leaky_relu {
  // The product is opaque so that no compiler turns the select into x * (x > 0 ? 1 : slope),
  // which flushes a positive denormal x under the caller's flush-to-zero (see ops::opaque).
  template <class V>
  static V forward(V x, V slope) noexcept {
    return if_else(x > splat<V>(0), x, opaque(x * slope));
  }
  template <class V>
  static V derivative(V x, V slope) noexcept {
    return if_else(x > splat<V>(0), splat<V>(1), slope);
  }
  // Opaque for the same reason: dy * 1 would quiet a signalling NaN dy where it must pass.
  template <class V>
  static V backward(V x, V dy, V slope) noexcept {
    return if_else(x > splat<V>(0), dy, opaque(dy * slope));
  }
  // For slope >= 0, y > 0 exactly when x > 0; a negative slope is refused before we get here.
  template <class V>
  static V backward_from_output(V y, V dy, V slope) noexcept {
    return backward(y, dy, slope);
  }
  // One element's contribution to the gradient of the slope (PReLU's dw).
  template <class V>
  static V slope_gradient(V x, V dy) noexcept {
    return if_else(x > splat<V>(0), splat<V>(0), x * dy);
  }
};

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::ops
