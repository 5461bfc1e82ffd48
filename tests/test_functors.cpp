// The functor API, shaped like torch.nn modules, computes what the free functions compute.

#include <vector>

#include <rectify/rectify.hpp>
#include "catch.hpp"
#include "values.hpp"

using testing::same_bits;

namespace {
template <class T>
bool same_bits_all(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_bits(a[i], b[i])) return false;
  }
  return true;
}
}  // namespace

TEMPLATE_TEST_CASE("Functors agree with the free functions and their own scalar call", "[functors]",
                   float, double) {
  using T = TestType;
  const std::vector<T> x = testing::mixed_values<T>(1003, 11);
  const std::vector<T> dy = testing::mixed_values<T>(1003, 12);
  std::vector<T> a(x.size()), b(x.size());

  SECTION("ReLU") {
    rectify::ReLU<T> relu;
    relu.forward(x, a);
    rectify::relu_forward(x, b);
    for (std::size_t i = 0; i < x.size(); ++i)
      REQUIRE((same_bits(a[i], b[i]) && same_bits(a[i], relu(x[i]))));
    relu.backward(x, dy, a);
    rectify::relu_backward(x, dy, b);
    CHECK(same_bits_all(a, b));
  }
  SECTION("ReLU6") {
    rectify::ReLU6<T> relu6;
    relu6.forward(x, a);
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(same_bits(a[i], relu6(x[i])));
    relu6.derivative(x, a);
    rectify::relu6_derivative(x, b);
    CHECK(same_bits_all(a, b));
  }
  SECTION("LeakyReLU keeps its slope, 0.01 by default") {
    rectify::LeakyReLU<T> leaky;
    CHECK(leaky.negative_slope == T(0.01));
    leaky.negative_slope = T(0.2);
    leaky.forward(x, a);
    rectify::leaky_relu_forward(x, b, T(0.2));
    for (std::size_t i = 0; i < x.size(); ++i)
      REQUIRE((same_bits(a[i], b[i]) && same_bits(a[i], leaky(x[i]))));
    leaky.backward_from_output(a, dy, b);
    leaky.backward(x, dy, a);
    CHECK(same_bits_all(a, b));
  }
  SECTION("PReLU starts at 0.25 per parameter, as torch.nn.PReLU") {
    rectify::PReLU<T> prelu(17);
    REQUIRE(prelu.weight.size() == 17);
    CHECK(prelu.weight[16] == T(0.25));
    prelu.weight[3] = T(-1);
    std::vector<T> xs(x.begin(), x.begin() + 17 * 59), ys(xs.size()), dxs(xs.size()), dw(17);
    prelu.forward(xs, ys);
    for (std::size_t i = 0; i < xs.size(); ++i) REQUIRE(same_bits(ys[i], prelu(xs[i], i % 17)));
    prelu.backward(xs, std::vector<T>(xs.size(), T(1)), dxs, dw);
    CHECK(dxs[3] == (xs[3] > 0 ? T(1) : T(-1)));
  }
}
