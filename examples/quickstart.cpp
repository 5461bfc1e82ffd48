// The textbook example, with rectify: ReLU, LeakyReLU and ReLU6 on the inputs every PyTorch
// tutorial starts with.
#include <rectify/rectify.hpp>

#include <cstdio>
#include <span>
#include <vector>

static void print(const char* label, std::span<const float> values) {
  std::printf("%-10s [", label);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::printf(i == 0 ? "%g" : ", %g", static_cast<double>(values[i]));
  }
  std::printf("]\n");
}

int main() {
  std::vector<float> x = {-3, -1, 0, 1, 3}, y(x.size());
  rectify::relu_forward(x, y);
  print("input", x);
  print("ReLU", y);

  std::vector<float> z = {-2, -1, 0, 1, 7}, out(z.size());
  print("input", z);
  rectify::relu_forward(z, out);
  print("ReLU", out);
  rectify::leaky_relu_forward(z, out);  // negative_slope = 0.01
  print("LeakyReLU", out);
  rectify::relu6_forward(z, out);
  print("ReLU6", out);
}
