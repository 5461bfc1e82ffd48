// The standard block at inference: a 3x3 convolution, BatchNorm with the statistics measured in
// training, then ReLU in place. BatchNorm before ReLU centres every channel, so ReLU zeroes about
// half of each one whatever the convolution's bias; ReLU before BatchNorm hands BatchNorm an
// input that is all >= 0, a spike of zeros plus a long right tail, and how much of a channel is
// zero depends on its bias. The convolution and BatchNorm are plain loops; ReLU is rectify's.
#include <rectify/rectify.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <vector>

#include "seeded_random.hpp"

constexpr std::size_t kBatch = 4, kInChannels = 3, kOutChannels = 4, kHeight = 16, kWidth = 16;
constexpr std::size_t kPlane = kHeight * kWidth;
constexpr float kEpsilon = 1e-5f;  // BatchNorm's, as torch.nn.BatchNorm2d

// Direct 3x3 convolution, stride 1, zero padding 1, NCHW: (N, 3, H, W) -> (N, 4, H, W).
std::vector<float> convolution(const std::vector<float>& input, const std::vector<float>& weight,
                               const std::vector<float>& bias) {
  std::vector<float> output(kBatch * kOutChannels * kPlane);
  for (std::size_t n = 0; n < kBatch; ++n) {
    for (std::size_t out = 0; out < kOutChannels; ++out) {
      for (std::size_t row = 0; row < kHeight; ++row) {
        for (std::size_t col = 0; col < kWidth; ++col) {
          float sum = bias[out];
          for (std::size_t in = 0; in < kInChannels; ++in) {
            for (std::size_t dr = 0; dr < 3; ++dr) {
              for (std::size_t dc = 0; dc < 3; ++dc) {
                // Unsigned wrap-around puts row - 1 of row 0 far out of range: the padding.
                const std::size_t r = row + dr - 1, c = col + dc - 1;
                if (r >= kHeight || c >= kWidth) continue;
                sum += input[(n * kInChannels + in) * kPlane + r * kWidth + c] *
                       weight[((out * kInChannels + in) * 3 + dr) * 3 + dc];
              }
            }
          }
          output[(n * kOutChannels + out) * kPlane + row * kWidth + col] = sum;
        }
      }
    }
  }
  return output;
}

// The values of one channel of an NCHW tensor, over the batch and the plane.
std::vector<double> channel_values(const std::vector<float>& tensor, std::size_t channel) {
  std::vector<double> values;
  for (std::size_t n = 0; n < kBatch; ++n) {
    for (std::size_t i = 0; i < kPlane; ++i) {
      values.push_back(tensor[(n * kOutChannels + channel) * kPlane + i]);
    }
  }
  return values;
}

struct statistics {
  double mean, variance, skewness, min, zeros;  // zeros: the fraction exactly 0
};

statistics describe(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  const double mean = sum / n;
  double second = 0, third = 0, zeros = 0;
  for (double v : values) {
    second += (v - mean) * (v - mean);
    third += (v - mean) * (v - mean) * (v - mean);
    zeros += v == 0.0;
  }
  const double variance = second / n;
  return {mean, variance, third / n / std::pow(variance, 1.5),
          *std::min_element(values.begin(), values.end()), zeros / n};
}

// BatchNorm at inference, per channel: (x - mean) / sqrt(variance + epsilon), gamma 1, beta 0.
struct batch_norm {
  std::vector<float> mean, variance;

  // Measures the statistics, as training's running averages would.
  explicit batch_norm(const std::vector<float>& tensor) {
    for (std::size_t c = 0; c < kOutChannels; ++c) {
      const statistics s = describe(channel_values(tensor, c));
      mean.push_back(static_cast<float>(s.mean));
      variance.push_back(static_cast<float>(s.variance));
    }
  }
  void apply(std::vector<float>& tensor) const {
    for (std::size_t i = 0; i < tensor.size(); ++i) {
      const std::size_t c = i / kPlane % kOutChannels;
      tensor[i] = (tensor[i] - mean[c]) / std::sqrt(variance[c] + kEpsilon);
    }
  }
};

std::vector<float> standard_normal(std::size_t count, seeded_random& random, double stddev = 1) {
  std::vector<float> values(count);
  random.fill_normal(std::span(values), 0.0, stddev);
  return values;
}

void check(const char* claim, bool holds) {
  std::printf("check: %s: %s\n", claim, holds ? "ok" : "FAILED");
}

int main() {
  seeded_random random(5);
  const std::vector<float> weight =
      standard_normal(kOutChannels * kInChannels * 9, random, 1.0 / std::sqrt(kInChannels * 9.0));
  const std::vector<float> bias = {-1.0f, -0.3f, 0.4f, 1.2f};
  // Training's statistics are measured on one batch, the block then runs on another.
  const std::vector<float> training_batch = standard_normal(kBatch * kInChannels * kPlane, random);
  const std::vector<float> batch = standard_normal(kBatch * kInChannels * kPlane, random);
  std::printf(
      "input (4, 3, 16, 16) standard normal, 3x3 convolution to 4 channels with biases "
      "-1, -0.3, 0.4, 1.2\n");

  // Conv -> BN -> ReLU.
  const batch_norm norm_before(convolution(training_batch, weight, bias));
  std::vector<float> features = convolution(batch, weight, bias);
  const std::vector<float> conv_output = features;
  norm_before.apply(features);
  rectify::relu_forward(features, features);  // in place
  std::printf("\nConv -> BN -> ReLU: BN input statistics, then the block's output\n");
  std::printf("channel     mean  variance  skewness      min   output exactly 0\n");
  bool about_half = true;
  for (std::size_t c = 0; c < kOutChannels; ++c) {
    const statistics input = describe(channel_values(conv_output, c));
    const statistics output = describe(channel_values(features, c));
    std::printf("%7zu  %7.3f  %8.3f  %8.3f  %7.3f   %14.1f %%\n", c, input.mean, input.variance,
                input.skewness, input.min, 100 * output.zeros);
    // 1024 values a channel: a binomial standard error of 1.6 points, so 5 points is about 3 of
    // them (neighbouring outputs share inputs, and BN's statistics come from another batch).
    about_half &= std::abs(output.zeros - 0.5) < 0.05;
  }
  check("every channel's output is 50 % zeros within 5 points", about_half);

  // Conv -> ReLU -> BN.
  std::vector<float> rectified_training = convolution(training_batch, weight, bias);
  rectify::relu_forward(rectified_training, rectified_training);
  const batch_norm norm_after(rectified_training);
  features = convolution(batch, weight, bias);
  rectify::relu_forward(features, features);
  const std::vector<float> relu_output = features;
  norm_after.apply(features);
  std::printf("\nConv -> ReLU -> BN: BN input statistics, then where BN sends ReLU's zeros\n");
  std::printf("channel     mean  variance  skewness      min  input exactly 0  zeros become\n");
  bool skewed = true;
  for (std::size_t c = 0; c < kOutChannels; ++c) {
    const statistics input = describe(channel_values(relu_output, c));
    const float zero_after_norm =
        (0.0f - norm_after.mean[c]) / std::sqrt(norm_after.variance[c] + kEpsilon);
    std::printf("%7zu  %7.3f  %8.3f  %8.3f  %7.3f  %13.1f %%  %12.3f\n", c, input.mean,
                input.variance, input.skewness, input.min, 100 * input.zeros,
                static_cast<double>(zero_after_norm));
    skewed &= input.min == 0.0 && input.skewness > 0.5;
  }
  check("BN's input is never negative and skewed right in every channel", skewed);
}
