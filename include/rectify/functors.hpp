#pragma once
// The activations as objects, in the shape of torch.nn modules: parameters as members, a scalar
// call operator, and forward / derivative / backward over spans, which run the free functions
// of api.hpp with the best instruction set the compiler enables.

#include <cstddef>
#include <span>
#include <vector>

#include "activations.hpp"
#include "api.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE {

template <real T>
struct ReLU {
  T operator()(T x) const noexcept { return ops::relu::forward(x); }
  void forward(std::span<const T> x, std::span<T> y) const { relu_forward(x, y); }
  void derivative(std::span<const T> x, std::span<T> d) const { relu_derivative(x, d); }
  void backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx) const {
    relu_backward(x, dy, dx);
  }
  void backward_from_output(std::span<const T> y, std::span<const T> dy, std::span<T> dx) const {
    relu_backward_from_output(y, dy, dx);
  }
};

template <real T>
struct ReLU6 {
  T operator()(T x) const noexcept { return ops::relu6::forward(x); }
  void forward(std::span<const T> x, std::span<T> y) const { relu6_forward(x, y); }
  void derivative(std::span<const T> x, std::span<T> d) const { relu6_derivative(x, d); }
  void backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx) const {
    relu6_backward(x, dy, dx);
  }
  void backward_from_output(std::span<const T> y, std::span<const T> dy, std::span<T> dx) const {
    relu6_backward_from_output(y, dy, dx);
  }
};

template <real T>
struct LeakyReLU {
  T negative_slope = T(0.01);

  T operator()(T x) const noexcept { return ops::leaky_relu::forward(x, negative_slope); }
  void forward(std::span<const T> x, std::span<T> y) const {
    leaky_relu_forward(x, y, negative_slope);
  }
  void derivative(std::span<const T> x, std::span<T> d) const {
    leaky_relu_derivative(x, d, negative_slope);
  }
  void backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx) const {
    leaky_relu_backward(x, dy, dx, negative_slope);
  }
  void backward_from_output(std::span<const T> y, std::span<const T> dy, std::span<T> dx) const {
    leaky_relu_backward_from_output(y, dy, dx, negative_slope);
  }
};

// As torch.nn.PReLU: num_parameters slopes (1 shared, or one per channel), each starting at init.
template <real T>
struct PReLU {
  std::vector<T> weight;

  explicit PReLU(std::size_t num_parameters = 1, T init = T(0.25)) : weight(num_parameters, init) {}

  // The activation of one element of the given channel.
  T operator()(T x, std::size_t channel = 0) const noexcept {
    return ops::leaky_relu::forward(x, weight[channel]);
  }
  void forward(std::span<const T> x, std::span<T> y, std::size_t inner = 1) const {
    prelu_forward(x, y, weight, inner);
  }
  void derivative(std::span<const T> x, std::span<T> d, std::size_t inner = 1) const {
    prelu_derivative(x, d, weight, inner);
  }
  // dw receives the gradient of the loss with respect to weight (overwritten, size C).
  void backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx, std::span<T> dw,
                std::size_t inner = 1) const {
    prelu_backward(x, dy, dx, weight, dw, inner);
  }
};

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE
