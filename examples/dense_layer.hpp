#pragma once
// A fully connected layer, y = x W + b over a batch of rows, with its backward pass: the plain
// loops every textbook writes, so that the examples' activation work, done by rectify, stands out.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "seeded_random.hpp"

template <class T>
struct dense_layer {
  std::size_t inputs, outputs;
  std::vector<T> weight;  // inputs x outputs, row-major
  std::vector<T> bias;    // outputs
  std::vector<T> weight_gradient, bias_gradient;

  // Normal weights with standard deviation gain / sqrt(inputs) (gain sqrt(2) is He's
  // initialisation for ReLU), zero bias.
  dense_layer(std::size_t inputs_, std::size_t outputs_, double gain, seeded_random& random)
      : inputs(inputs_),
        outputs(outputs_),
        weight(inputs_ * outputs_),
        bias(outputs_),
        weight_gradient(weight.size()),
        bias_gradient(outputs_) {
    random.fill_normal(std::span<T>(weight), 0.0, gain / std::sqrt(static_cast<double>(inputs)));
  }

  std::size_t rows(std::span<const T> x) const { return x.size() / inputs; }

  // y = x W + b; x is rows x inputs, y is rows x outputs.
  void forward(std::span<const T> x, std::span<T> y) const {
    for (std::size_t r = 0; r < rows(x); ++r) {
      T* out = &y[r * outputs];
      for (std::size_t o = 0; o < outputs; ++o) out[o] = bias[o];
      for (std::size_t i = 0; i < inputs; ++i) {
        const T value = x[r * inputs + i];
        for (std::size_t o = 0; o < outputs; ++o) out[o] += value * weight[i * outputs + o];
      }
    }
  }

  // From dy = dLoss/dy: the parameter gradients (overwritten) and dx = dy W^T.
  void backward(std::span<const T> x, std::span<const T> dy, std::span<T> dx) {
    std::fill(weight_gradient.begin(), weight_gradient.end(), T(0));
    std::fill(bias_gradient.begin(), bias_gradient.end(), T(0));
    for (std::size_t r = 0; r < rows(x); ++r) {
      const T* grad = &dy[r * outputs];
      for (std::size_t o = 0; o < outputs; ++o) bias_gradient[o] += grad[o];
      for (std::size_t i = 0; i < inputs; ++i) {
        const T value = x[r * inputs + i];
        for (std::size_t o = 0; o < outputs; ++o) {
          weight_gradient[i * outputs + o] += value * grad[o];
        }
        T sum = 0;
        for (std::size_t o = 0; o < outputs; ++o) sum += grad[o] * weight[i * outputs + o];
        dx[r * inputs + i] = sum;
      }
    }
  }

  // Plain stochastic gradient descent.
  void step(T learning_rate) {
    for (std::size_t j = 0; j < weight.size(); ++j) weight[j] -= learning_rate * weight_gradient[j];
    for (std::size_t o = 0; o < outputs; ++o) bias[o] -= learning_rate * bias_gradient[o];
  }
};
