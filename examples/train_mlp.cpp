// A tiny network, 2 -> 64 -> 64 -> 1, learns two interleaved spirals with plain SGD, three
// times: with ReLU, LeakyReLU and PReLU as its hidden activation. rectify does the activations'
// forward and backward passes (PReLU's backward also gives the gradient of its slopes); the
// layers, the loss and SGD are the few loops of dense_layer.hpp and below.
#include <rectify/rectify.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <span>
#include <utility>
#include <vector>

#include "dense_layer.hpp"
#include "seeded_random.hpp"

constexpr std::size_t kHidden = 64;
constexpr std::size_t kBatch = 16;
constexpr int kEpochs = 100;
constexpr double kLearningRate = 0.1;

struct dataset {
  std::vector<double> points;  // (x, y) pairs
  std::vector<double> labels;  // 0 or 1: which spiral
  std::size_t size() const { return labels.size(); }
};

// Two spirals of 1.5 turns each, the second the first turned by half a turn, with a little noise.
dataset two_spirals(std::size_t count, std::uint64_t seed) {
  seeded_random random(seed);
  dataset data;
  for (std::size_t i = 0; i < count; ++i) {
    const double label = random.uniform() < 0.5 ? 0.0 : 1.0;
    const double radius = 0.1 + 0.9 * random.uniform();
    const double angle = 3.0 * std::numbers::pi * radius + std::numbers::pi * label;
    data.points.push_back(radius * std::cos(angle) + 0.02 * random.normal());
    data.points.push_back(radius * std::sin(angle) + 0.02 * random.normal());
    data.labels.push_back(label);
  }
  return data;
}

enum class activation { relu, leaky_relu, prelu };

// A hidden layer's activation over a (rows, kHidden) batch, each unit a PReLU channel (inner = 1).
struct hidden_activation {
  activation kind;
  std::vector<double> slope = std::vector<double>(kHidden, 0.25);  // PReLU's, learned
  std::vector<double> slope_gradient = std::vector<double>(kHidden);

  void forward(std::span<const double> x, std::span<double> y) const {
    if (kind == activation::relu) {
      rectify::relu_forward(x, y);
    } else if (kind == activation::leaky_relu) {
      rectify::leaky_relu_forward(x, y);  // negative_slope 0.01
    } else {
      rectify::prelu_forward(x, y, slope);
    }
  }
  void backward(std::span<const double> x, std::span<const double> dy, std::span<double> dx) {
    if (kind == activation::relu) {
      rectify::relu_backward(x, dy, dx);
    } else if (kind == activation::leaky_relu) {
      rectify::leaky_relu_backward(x, dy, dx);
    } else {
      rectify::prelu_backward(x, dy, dx, slope, slope_gradient);
    }
  }
  void step(double learning_rate) {
    if (kind != activation::prelu) return;
    for (std::size_t c = 0; c < kHidden; ++c) slope[c] -= learning_rate * slope_gradient[c];
  }
};

struct network {
  dense_layer<double> layer1, layer2, layer3;
  hidden_activation activation1, activation2;
  // Each layer's input and pre-activation, kept for the backward pass.
  std::vector<double> input, pre1, post1, pre2, post2, logit;

  network(activation kind, seeded_random random)
      : layer1(2, kHidden, std::sqrt(2.0), random),
        layer2(kHidden, kHidden, std::sqrt(2.0), random),
        layer3(kHidden, 1, 1.0, random),
        activation1{kind},
        activation2{kind} {}

  std::span<const double> forward(std::span<const double> points) {
    const std::size_t rows = points.size() / 2;
    input.assign(points.begin(), points.end());
    for (auto* buffer : {&pre1, &post1, &pre2, &post2}) buffer->resize(rows * kHidden);
    logit.resize(rows);
    layer1.forward(input, pre1);
    activation1.forward(pre1, post1);
    layer2.forward(post1, pre2);
    activation2.forward(pre2, post2);
    layer3.forward(post2, logit);
    return logit;
  }

  // From the gradient of the loss with respect to the logits, after forward.
  void backward_and_step(std::span<const double> logit_gradient, double learning_rate) {
    std::vector<double> dpost2(post2.size()), dpre2(pre2.size()), dpost1(post1.size()),
        dpre1(pre1.size()), dinput(input.size());
    layer3.backward(post2, logit_gradient, dpost2);
    activation2.backward(pre2, dpost2, dpre2);
    layer2.backward(post1, dpre2, dpost1);
    activation1.backward(pre1, dpost1, dpre1);
    layer1.backward(input, dpre1, dinput);
    for (auto* layer : {&layer1, &layer2, &layer3}) layer->step(learning_rate);
    for (auto* act : {&activation1, &activation2}) act->step(learning_rate);
  }
};

// Binary cross-entropy of sigmoid(logit), written so that exp never overflows.
double loss(double logit, double label) {
  return std::max(logit, 0.0) - logit * label + std::log1p(std::exp(-std::abs(logit)));
}
double sigmoid(double logit) { return 1.0 / (1.0 + std::exp(-logit)); }

double mean_loss(network& net, const dataset& data) {
  const auto logits = net.forward(data.points);
  double sum = 0;
  for (std::size_t i = 0; i < data.size(); ++i) sum += loss(logits[i], data.labels[i]);
  return sum / static_cast<double>(data.size());
}

double accuracy(network& net, const dataset& data) {
  const auto logits = net.forward(data.points);
  std::size_t right = 0;
  for (std::size_t i = 0; i < data.size(); ++i) right += (logits[i] > 0) == (data.labels[i] > 0.5);
  return 100.0 * static_cast<double>(right) / static_cast<double>(data.size());
}

// Hidden units of one layer whose pre-activation is <= 0 on every training point: ReLU gives
// them output 0 and gradient 0 on every point. In layer 1 that is for good (their weights never
// move again); in layer 2 a change in layer 1 can bring them back.
std::size_t dead_units(network& net, const dataset& data, const std::vector<double>& pre) {
  net.forward(data.points);
  std::size_t dead = 0;
  for (std::size_t unit = 0; unit < kHidden; ++unit) {
    bool ever_positive = false;
    for (std::size_t row = 0; row < data.size(); ++row) {
      ever_positive |= pre[row * kHidden + unit] > 0;
    }
    dead += !ever_positive;
  }
  return dead;
}

void print_slopes(const char* label, const std::vector<double>& slope) {
  const auto [low, high] = std::minmax_element(slope.begin(), slope.end());
  double sum = 0;
  for (double s : slope) sum += s;
  std::printf("  %s: min %.3f  mean %.3f  max %.3f\n", label, *low, sum / kHidden, *high);
}

int main() {
  const dataset train = two_spirals(400, 1);
  const dataset test = two_spirals(1000, 2);
  std::printf("two spirals: %zu training points, %zu test points\n", train.size(), test.size());
  std::printf(
      "network 2 -> %zu -> %zu -> 1, plain SGD: learning rate %g, batches of %zu, %d epochs\n",
      kHidden, kHidden, kLearningRate, kBatch, kEpochs);
  std::printf(
      "(a dead unit's pre-activation is <= 0 on every training point: ReLU gives it no "
      "gradient, LeakyReLU and PReLU still do)\n");
  std::printf("%-10s %s\n%-10s %s\n", "", "   training loss at epoch           test   dead units",
              "", "  0     10     25     50    100  accuracy  layer 1  layer 2");

  const std::pair<activation, const char*> runs[] = {{activation::relu, "ReLU"},
                                                     {activation::leaky_relu, "LeakyReLU"},
                                                     {activation::prelu, "PReLU"}};
  bool all_learned = true;
  for (const auto& [kind, name] : runs) {
    network net(kind, seeded_random(42));  // the same initial weights for every run
    const std::size_t dead_at_start[] = {dead_units(net, train, net.pre1),
                                         dead_units(net, train, net.pre2)};
    std::printf("%-10s %.3f", name, mean_loss(net, train));
    std::vector<double> gradient(kBatch);
    for (int epoch = 1; epoch <= kEpochs; ++epoch) {
      for (std::size_t first = 0; first < train.size(); first += kBatch) {
        const std::size_t rows = std::min(kBatch, train.size() - first);
        const auto logits = net.forward(std::span(train.points).subspan(2 * first, 2 * rows));
        gradient.resize(rows);
        for (std::size_t i = 0; i < rows; ++i) {
          gradient[i] = (sigmoid(logits[i]) - train.labels[first + i]) / static_cast<double>(rows);
        }
        net.backward_and_step(gradient, kLearningRate);
      }
      if (epoch == 10 || epoch == 25 || epoch == 50 || epoch == kEpochs) {
        std::printf("  %.3f", mean_loss(net, train));
      }
    }
    const double test_accuracy = accuracy(net, test);
    all_learned &= test_accuracy >= 95.0;
    std::printf("  %5.1f %%  %2zu -> %zu  %2zu -> %zu\n", test_accuracy, dead_at_start[0],
                dead_units(net, train, net.pre1), dead_at_start[1],
                dead_units(net, train, net.pre2));
    if (kind == activation::prelu) {
      std::printf("learned PReLU slopes (each started at 0.25):\n");
      print_slopes("layer 1", net.activation1.slope);
      print_slopes("layer 2", net.activation2.slope);
    }
  }
  std::printf("check: every network separates the spirals (test accuracy >= 95 %%): %s\n",
              all_learned ? "ok" : "FAILED");
}
