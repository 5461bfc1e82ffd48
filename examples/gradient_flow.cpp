// Why ReLU replaced sigmoid in deep networks: back-propagation multiplies the gradient by the
// activation's derivative once per layer. Sigmoid's derivative is at most 0.25, so after 10
// layers at most 0.25^10 = 9.5367e-07 of the gradient is left; ReLU's is exactly 1 wherever its
// input is positive, so 1^10 = 1. Both are shown by back-propagating through 10 layers: ReLU's
// backward pass is rectify's, sigmoid's derivative s (1 - s) is written here.
#include <rectify/rectify.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <vector>

#include "dense_layer.hpp"
#include "seeded_random.hpp"

constexpr std::size_t kLayers = 10;

enum class activation { sigmoid, relu };

void sigmoid_forward(std::span<const double> x, std::span<double> y) {
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = 1.0 / (1.0 + std::exp(-x[i]));
}
// From the output y = sigmoid(x): dx = dy * y * (1 - y).
void sigmoid_backward_from_output(std::span<const double> y, std::span<const double> dy,
                                  std::span<double> dx) {
  for (std::size_t i = 0; i < y.size(); ++i) dx[i] = dy[i] * y[i] * (1.0 - y[i]);
}

// Runs the batch `input` forward through the layers, each followed by the activation, sends the
// gradient of the sum of the outputs back, and returns the mean |gradient| that reaches the
// input of each layer (index 0: the network's input).
std::vector<double> backpropagate(std::vector<dense_layer<double>>& layers, activation kind,
                                  const std::vector<double>& input) {
  // inputs[k] is layer k's input, pre[k] its pre-activation.
  std::vector<std::vector<double>> inputs(kLayers + 1, input), pre(kLayers, input);
  for (std::size_t k = 0; k < kLayers; ++k) {
    layers[k].forward(inputs[k], pre[k]);
    if (kind == activation::sigmoid) {
      sigmoid_forward(pre[k], inputs[k + 1]);
    } else {
      rectify::relu_forward(pre[k], inputs[k + 1]);
    }
  }
  std::vector<double> gradient(input.size(), 1.0), pre_gradient(input.size());
  std::vector<double> mean_magnitude(kLayers);
  for (std::size_t k = kLayers; k-- > 0;) {
    if (kind == activation::sigmoid) {
      sigmoid_backward_from_output(inputs[k + 1], gradient, pre_gradient);
    } else {
      rectify::relu_backward(pre[k], gradient, pre_gradient);
    }
    layers[k].backward(inputs[k], pre_gradient, gradient);
    double sum = 0;
    for (double g : gradient) sum += std::abs(g);
    mean_magnitude[k] = sum / static_cast<double>(gradient.size());
  }
  return mean_magnitude;
}

// The best case: one neuron per layer, pre-activation = input + shift, with the shift putting
// every pre-activation where the derivative is largest: 0 for sigmoid (sigmoid(0) = 0.5, so the
// shift is -0.5), any positive value for ReLU (inputs 1, shift 0).
double best_case_gradient(activation kind) {
  seeded_random random(0);  // not used: the weights are set by hand
  std::vector<dense_layer<double>> layers;
  for (std::size_t k = 0; k < kLayers; ++k) {
    layers.emplace_back(1, 1, 0.0, random);
    layers.back().weight = {1.0};
    layers.back().bias = {kind == activation::sigmoid ? -0.5 : 0.0};
  }
  return backpropagate(layers, kind, {kind == activation::sigmoid ? 0.5 : 1.0})[0];
}

// A realistic case: 10 dense layers of 64 units with random weights (for sigmoid the usual
// 1/sqrt(fan-in) scale, for ReLU He's sqrt(2/fan-in)) and 32 standard-normal inputs.
std::vector<double> random_network_gradients(activation kind) {
  constexpr std::size_t kWidth = 64, kBatch = 32;
  seeded_random random(2024);
  std::vector<dense_layer<double>> layers;
  for (std::size_t k = 0; k < kLayers; ++k) {
    layers.emplace_back(kWidth, kWidth, kind == activation::sigmoid ? 1.0 : std::sqrt(2.0), random);
  }
  std::vector<double> input(kWidth * kBatch);
  random.fill_normal(std::span(input));
  return backpropagate(layers, kind, input);
}

void check(const char* claim, bool holds) {
  std::printf("check: %s: %s\n", claim, holds ? "ok" : "FAILED");
}

int main() {
  const double sigmoid_best = best_case_gradient(activation::sigmoid);
  const double relu_best = best_case_gradient(activation::relu);
  std::printf("best case, 10 layers, d(output)/d(input): sigmoid %.4e, ReLU %g\n", sigmoid_best,
              relu_best);
  check("sigmoid's is 0.25^10 exactly", sigmoid_best == std::pow(0.25, 10));
  check("ReLU's is 1 exactly", relu_best == 1.0);

  const std::vector<double> sigmoid = random_network_gradients(activation::sigmoid);
  const std::vector<double> relu = random_network_gradients(activation::relu);
  std::printf("\n10 random dense layers of 64 units, mean |gradient| at each layer's input:\n");
  std::printf("layer    sigmoid       ReLU\n");
  for (std::size_t k = kLayers; k-- > 0;) {
    std::printf("%5zu  %9.3e  %9.3e\n", k + 1, sigmoid[k], relu[k]);
  }
  std::printf("layer 1 / layer 10: sigmoid %.3e, ReLU %.3f\n", sigmoid[0] / sigmoid[kLayers - 1],
              relu[0] / relu[kLayers - 1]);
  check("the sigmoid gradient shrinks at every layer",
        std::is_sorted(sigmoid.begin(), sigmoid.end()));
  check("ReLU's stays within a factor 10 of where it started",
        std::all_of(relu.begin(), relu.end(), [&](double g) {
          return g > relu[kLayers - 1] / 10 && g < relu[kLayers - 1] * 10;
        }));
}
