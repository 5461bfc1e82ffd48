// Dead neurons. ReLU outputs exactly 0 for every negative input, so on zero-mean inputs about
// half of its outputs are 0 (sparsity, often welcome) and, for those inputs, so is its gradient.
// A neuron whose inputs are all negative therefore gets no gradient at all and never learns
// again; LeakyReLU's small negative slope keeps a gradient flowing and lets it recover.
#include <rectify/rectify.hpp>

#include <cmath>
#include <cstdio>
#include <span>
#include <utility>
#include <vector>

#include "seeded_random.hpp"

std::size_t exact_zeros(std::span<const float> values) {
  std::size_t zeros = 0;
  for (float value : values) zeros += value == 0.0f;
  return zeros;
}

double percent(std::size_t part, std::size_t whole) {
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// A fraction of n fair coin flips is 0.5 within 3 standard errors, 3 sqrt(0.25 / n), in 99.7 %
// of draws; the sign of a standard normal is such a coin.
bool near_half(std::size_t part, std::size_t whole) {
  const double n = static_cast<double>(whole);
  return std::abs(static_cast<double>(part) / n - 0.5) <= 3.0 * std::sqrt(0.25 / n);
}

void check(const char* claim, bool holds) {
  std::printf("check: %s: %s\n", claim, holds ? "ok" : "FAILED");
}

std::vector<float> standard_normal(std::size_t count, std::uint64_t seed) {
  std::vector<float> values(count);
  seeded_random(seed).fill_normal(std::span<float>(values));
  return values;
}

// One neuron y = f(w x + b) fitted by SGD to t = 2 x + 5 on 64 inputs, starting with b = -100
// so that every pre-activation is a large negative. Returns the final w and b.
template <class Activation>
std::pair<float, float> train_neuron(const char* name, const Activation& activation) {
  const std::vector<float> x = standard_normal(64, 7);
  std::vector<float> target(x.size()), pre(x.size()), y(x.size()), dy(x.size()), dpre(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) target[i] = 2.0f * x[i] + 5.0f;
  float weight = 1.0f, bias = -100.0f;
  const float learning_rate = 1.0f, n = static_cast<float>(x.size());

  std::printf("%s\n  step    weight      bias  bias gradient  active inputs      loss\n", name);
  for (int step = 0; step <= 2000; ++step) {
    for (std::size_t i = 0; i < x.size(); ++i) pre[i] = weight * x[i] + bias;
    activation.forward(pre, y);
    float loss = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      loss += 0.5f * (y[i] - target[i]) * (y[i] - target[i]) / n;
      dy[i] = (y[i] - target[i]) / n;  // the gradient of the mean squared error
    }
    activation.backward(pre, dy, dpre);
    float weight_gradient = 0, bias_gradient = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      weight_gradient += dpre[i] * x[i];
      bias_gradient += dpre[i];
    }
    if (step == 0 || step == 1 || step == 100 || step == 500 || step == 1000 || step == 2000) {
      std::size_t active = 0;
      for (float value : pre) active += value > 0;
      std::printf("  %4d  %8.4f  %8.3f  %13.5f  %7zu of %zu  %8.4f\n", step,
                  static_cast<double>(weight), static_cast<double>(bias),
                  static_cast<double>(bias_gradient), active, x.size(), static_cast<double>(loss));
    }
    weight -= learning_rate * weight_gradient;
    bias -= learning_rate * bias_gradient;
  }
  return {weight, bias};
}

int main() {
  // Sparsity: the fraction of outputs that are exactly zero.
  const std::vector<float> thousand = standard_normal(1000, 1);
  std::vector<float> out(thousand.size());
  rectify::relu_forward(thousand, out);
  const std::size_t zeros_1000 = exact_zeros(out);
  std::printf("ReLU of 1000 standard-normal inputs: %zu outputs exactly 0 (%.1f %%)\n", zeros_1000,
              percent(zeros_1000, out.size()));

  std::vector<float> tensor = standard_normal(4 * 64 * 8 * 8, 2);  // (N, C, H, W)
  rectify::relu_forward(tensor, tensor);                           // in place
  const std::size_t zeros_tensor = exact_zeros(tensor);
  std::printf("ReLU of a (4, 64, 8, 8) standard-normal tensor: %zu of %zu exactly 0 (%.1f %%)\n",
              zeros_tensor, tensor.size(), percent(zeros_tensor, tensor.size()));

  const std::vector<float> many = standard_normal(10000, 3);
  std::vector<float> relu(many.size()), relu6(many.size()), leaky(many.size());
  rectify::relu_forward(many, relu);
  rectify::relu6_forward(many, relu6);
  rectify::leaky_relu_forward(many, leaky);  // negative_slope 0.01
  std::printf(
      "exact zeros on 10000 standard-normal inputs: ReLU %.1f %%, ReLU6 %.1f %%, "
      "LeakyReLU %.1f %%\n",
      percent(exact_zeros(relu), many.size()), percent(exact_zeros(relu6), many.size()),
      percent(exact_zeros(leaky), many.size()));
  check("every ReLU and ReLU6 zero fraction is 50 % within 3 standard errors",
        near_half(zeros_1000, 1000) && near_half(zeros_tensor, tensor.size()) &&
            near_half(exact_zeros(relu), many.size()) &&
            near_half(exact_zeros(relu6), many.size()));
  check("LeakyReLU gives no zero", exact_zeros(leaky) == 0);

  // The failure: a neuron pushed far into the negative side.
  std::printf(
      "\none neuron y = f(w x + b) fitted to 2 x + 5 by SGD, started at w = 1, b = -100:\n");
  const auto [relu_weight, relu_bias] = train_neuron("ReLU", rectify::ReLU<float>{});
  const auto [leaky_weight, leaky_bias] =
      train_neuron("LeakyReLU (negative_slope 0.01)", rectify::LeakyReLU<float>{0.01f});
  check("the ReLU neuron never moved (w = 1, b = -100 exactly)",
        relu_weight == 1.0f && relu_bias == -100.0f);
  check("the LeakyReLU neuron learned w = 2, b = 5 (within 1e-4)",
        std::abs(leaky_weight - 2.0f) < 1e-4f && std::abs(leaky_bias - 5.0f) < 1e-4f);
}
