#pragma once
// The scalar reference: SEMANTICS.md transcribed rule by rule, with plain ternaries and nothing
// from the library, so that the library's kernels are checked against an independent statement
// of what they must compute.

#include <cstddef>
#include <span>

namespace reference {

// a * b as the hardware computes it, at run time. Folded at compile time, a product may get
// another NaN than the machine's default one (clang folds -Inf * 0 to +NaN, x86 gives -NaN);
// and without the volatile, clang may rewrite `c ? a : a * s` as `a * (c ? 1 : s)`, which quiets
// a signalling NaN that the select alone passes unchanged.
template <class T>
T product(T a, T b) {
  volatile T va = a, vb = b;
  return va * vb;
}

template <class T>
T relu_forward(T x) {
  return x < 0 ? T(+0.0) : x;
}
template <class T>
T relu_derivative(T x) {
  return x <= 0 ? T(0) : T(1);
}
template <class T>
T relu_backward(T x, T dy) {
  return x <= 0 ? T(+0.0) : dy;
}
template <class T>
T relu_backward_from_output(T y, T dy) {
  return y <= 0 ? T(+0.0) : dy;
}

template <class T>
T relu6_forward(T x) {
  return x < 0 ? T(+0.0) : (x > 6 ? T(6) : x);
}
template <class T>
T relu6_derivative(T x) {
  return (x <= 0 || x >= 6) ? T(0) : T(1);
}
template <class T>
T relu6_backward(T x, T dy) {
  return (x <= 0 || x >= 6) ? T(+0.0) : dy;
}
template <class T>
T relu6_backward_from_output(T y, T dy) {
  return (y <= 0 || y >= 6) ? T(+0.0) : dy;
}

template <class T>
T leaky_relu_forward(T x, T s) {
  return x > 0 ? x : product(x, s);
}
template <class T>
T leaky_relu_derivative(T x, T s) {
  return x > 0 ? T(1) : s;
}
template <class T>
T leaky_relu_backward(T x, T dy, T s) {
  return x > 0 ? dy : product(dy, s);
}
template <class T>
T leaky_relu_backward_from_output(T y, T dy, T s) {
  return y > 0 ? dy : product(dy, s);
}

// PReLU: element i of x, read as [outer][C][inner], has the slope w[(i / inner) % C].
template <class T>
T prelu_slope(std::span<const T> w, std::size_t inner, std::size_t i) {
  return w[(i / inner) % w.size()];
}
template <class T>
T prelu_slope_gradient_term(T x, T dy) {
  return x > 0 ? T(0) : product(x, dy);
}

}  // namespace reference
