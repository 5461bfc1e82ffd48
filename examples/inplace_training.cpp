// In-place activations in training, as PyTorch's inplace=True: the forward pass overwrites its
// input with its output, and the backward pass works from that output, so the pre-activation
// is never kept. rectify's backward_from_output gives the very same bits as the backward from
// the input, so the weight gradients do not change; it refuses the one case where the output
// cannot tell the input's sign (LeakyReLU with a negative slope).
#include <rectify/rectify.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

#include "dense_layer.hpp"
#include "seeded_random.hpp"

constexpr std::size_t kBatch = 128, kInputs = 64, kHidden = 1024, kOutputs = 10;

// Elements whose bit patterns differ (== would call -0 and +0 equal, and NaN unequal to itself).
std::size_t differing_bits(std::span<const float> a, std::span<const float> b) {
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    differ += std::memcmp(&a[i], &b[i], sizeof(float)) != 0;
  }
  return differ;
}

struct gradients {
  std::vector<float> first_weight, second_weight, input;
};

struct network {
  dense_layer<float> first, second;
};

// The same weights every time. The first layer's are large enough that a few percent of the
// pre-activations pass 6, where ReLU6's derivative drops to 0.
network make_network() {
  seeded_random random(11);
  dense_layer<float> first(kInputs, kHidden, 3.0, random);
  dense_layer<float> second(kHidden, kOutputs, 1.0, random);
  return {first, second};
}

// One training step of input -> dense -> activation -> dense, loss = the sum of the squared
// outputs over 2, and returns its gradients. In place, the hidden buffer holds the
// pre-activation, then the activation's output; the gradient buffer is reused the same way.
template <class Activation>
gradients training_step(const Activation& activation, const std::vector<float>& input,
                        bool in_place) {
  auto [first, second] = make_network();
  std::vector<float> hidden(kBatch * kHidden), output(kBatch * kOutputs);
  std::vector<float> hidden_output;  // out of place only
  std::vector<float> hidden_gradient(hidden.size()), input_gradient(input.size());

  first.forward(input, hidden);
  if (in_place) {
    activation.forward(hidden, hidden);
  } else {
    hidden_output.resize(hidden.size());
    activation.forward(hidden, hidden_output);
  }
  const std::vector<float>& activated = in_place ? hidden : hidden_output;
  second.forward(activated, output);
  // d(loss)/d(output) = output.
  second.backward(activated, output, hidden_gradient);
  if (in_place) {
    activation.backward_from_output(hidden, hidden_gradient, hidden_gradient);
  } else {
    std::vector<float> pre_gradient(hidden.size());
    activation.backward(hidden, hidden_gradient, pre_gradient);
    hidden_gradient = pre_gradient;
  }
  first.backward(input, hidden_gradient, input_gradient);
  return {first.weight_gradient, second.weight_gradient, input_gradient};
}

template <class Activation>
bool compare(const char* name, const Activation& activation, const std::vector<float>& input) {
  const gradients out_of_place = training_step(activation, input, false);
  const gradients in_place = training_step(activation, input, true);
  const std::size_t first = differing_bits(in_place.first_weight, out_of_place.first_weight);
  const std::size_t second = differing_bits(in_place.second_weight, out_of_place.second_weight);
  const std::size_t inputs = differing_bits(in_place.input, out_of_place.input);
  std::printf("  %-10s %2zu of %-9zu %2zu of %-9zu %2zu of %zu\n", name, first,
              in_place.first_weight.size(), second, in_place.second_weight.size(), inputs,
              in_place.input.size());
  return first == 0 && second == 0 && inputs == 0;
}

int main() {
  std::vector<float> input(kBatch * kInputs);
  seeded_random(3).fill_normal(std::span(input));
  // The last sample is zero padding: its pre-activations are exactly 0, where the derivative is
  // a convention (0 for ReLU and ReLU6, the slope for LeakyReLU) that both passes must share.
  std::fill(input.end() - kInputs, input.end(), 0.0f);

  const std::size_t bytes = kBatch * kHidden * sizeof(float);
  std::printf(
      "hidden layer of %zu units, batch of %zu, float: what the activation keeps for the "
      "backward pass\n",
      kHidden, kBatch);
  std::printf("  out of place: pre-activation and output  %8zu bytes\n", 2 * bytes);
  std::printf("  in place:     output only                %8zu bytes (%zu saved, 50 %%)\n", bytes,
              bytes);

  std::vector<float> pre(kBatch * kHidden);
  make_network().first.forward(input, pre);
  std::size_t zeros = 0, above_six = 0;
  for (float value : pre) {
    zeros += value == 0.0f;
    above_six += value > 6.0f;
  }
  std::printf(
      "the pre-activations compared: %zu, of which %zu exactly 0 (the padding), %zu above 6\n",
      pre.size(), zeros, above_six);
  std::printf("gradients, in place vs out of place: elements whose bits differ\n");
  std::printf("  %-10s %-15s %-15s %s\n", "", "first weights", "second weights", "input");
  bool identical = compare("ReLU", rectify::ReLU<float>{}, input);
  identical &= compare("ReLU6", rectify::ReLU6<float>{}, input);
  identical &= compare("LeakyReLU", rectify::LeakyReLU<float>{0.01f}, input);
  std::printf("check: every gradient is the same bit for bit: %s\n", identical ? "ok" : "FAILED");

  std::printf("with a negative slope the output no longer tells the input's sign:\n");
  try {
    compare("LeakyReLU", rectify::LeakyReLU<float>{-0.1f}, input);
  } catch (const std::invalid_argument& error) {
    std::printf("  std::invalid_argument: %s\n", error.what());
  }
}
