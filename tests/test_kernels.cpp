// Every elementwise kernel against the scalar reference, bit for bit, over sizes, offsets,
// in-place modes, slopes and special values, on every instruction set compiled in.

#include "kernel_sweep.hpp"

using namespace testing;

TEST_CASE("relu_forward matches the reference bit for bit", "[kernels][relu]") {
  sweep(relu_forward_k{});
}
TEST_CASE("relu_derivative matches the reference bit for bit", "[kernels][relu]") {
  sweep(relu_derivative_k{});
}
TEST_CASE("relu_backward matches the reference bit for bit", "[kernels][relu]") {
  sweep(relu_backward_k{});
}
TEST_CASE("relu_backward_from_output matches the reference bit for bit", "[kernels][relu]") {
  sweep(relu_backward_from_output_k{});
}
TEST_CASE("relu6_forward matches the reference bit for bit", "[kernels][relu6]") {
  sweep(relu6_forward_k{});
}
TEST_CASE("relu6_derivative matches the reference bit for bit", "[kernels][relu6]") {
  sweep(relu6_derivative_k{});
}
TEST_CASE("relu6_backward matches the reference bit for bit", "[kernels][relu6]") {
  sweep(relu6_backward_k{});
}
TEST_CASE("relu6_backward_from_output matches the reference bit for bit", "[kernels][relu6]") {
  sweep(relu6_backward_from_output_k{});
}
TEST_CASE("leaky_relu_forward matches the reference bit for bit", "[kernels][leaky_relu]") {
  sweep(leaky_relu_forward_k{});
}
TEST_CASE("leaky_relu_derivative matches the reference bit for bit", "[kernels][leaky_relu]") {
  sweep(leaky_relu_derivative_k{});
}
TEST_CASE("leaky_relu_backward matches the reference bit for bit", "[kernels][leaky_relu]") {
  sweep(leaky_relu_backward_k{});
}
TEST_CASE("leaky_relu_backward_from_output matches the reference bit for bit",
          "[kernels][leaky_relu]") {
  sweep(leaky_relu_backward_from_output_k{});
}
