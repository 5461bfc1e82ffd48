// The rules of SEMANTICS.md, one SECTION each, in its words. Each value is checked in every
// position of a buffer that has an unrolled body, a one-vector step and a scalar tail, on every
// instruction set compiled in, for float and double.

#include <cmath>
#include <limits>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "arches.hpp"
#include "catch.hpp"
#include "kernel_list.hpp"
#include "values.hpp"

using namespace testing;

namespace {

// Runs Kernel over a buffer of filler values with x (and dy) placed at position p, for every p,
// and reports whether every result at p has the bits of `expected`.
template <class T, class Kernel>
bool gives_everywhere(Kernel, T x, T dy, T slope, T expected) {
  bool ok = true;
  for_each_arch([&](auto arch) {
    using Arch = decltype(arch);
    constexpr std::size_t lanes = lanes_of<T, Arch>;
    const std::size_t n = 2 * rectify::detail::kUnroll * lanes + lanes + lanes - 1;
    for (std::size_t p = 0; p < n; ++p) {
      std::vector<T> xs(n, T(2)), dys(n, T(1)), out(n);
      xs[p] = x;
      dys[p] = dy;
      Kernel::run(arch, std::span<const T>(xs), std::span<const T>(dys), std::span<T>(out), slope);
      if (!same_bits(out[p], expected)) {
        UNSCOPED_INFO(Kernel::name << "<" << arch_name<Arch>() << "> at position " << p << " of "
                                   << n << ": x = " << describe(x) << ", dy = " << describe(dy)
                                   << " gave " << describe(out[p]) << ", expected "
                                   << describe(expected));
        ok = false;
        return;
      }
    }
  });
  return ok;
}

template <class T>
void check_rules() {
  using lim = std::numeric_limits<T>;
  const T inf = lim::infinity(), nan = nans<T>()[2], snan = nans<T>()[4], none = T(0);
  const T pz = T(+0.0), nz = T(-0.0), s = T(0.01);

  SECTION("ReLU forward: x < 0 ? +0 : x") {
    CHECK(gives_everywhere(relu_forward_k{}, T(-3), none, none, pz));
    CHECK(gives_everywhere(relu_forward_k{}, T(3), none, none, T(3)));
    CHECK(gives_everywhere(relu_forward_k{}, nz, none, none, nz));  // relu(-0) = -0
    CHECK(gives_everywhere(relu_forward_k{}, pz, none, none, pz));
    CHECK(gives_everywhere(relu_forward_k{}, nan, none, none, nan));    // same NaN, bits unchanged
    CHECK(gives_everywhere(relu_forward_k{}, snan, none, none, snan));  // even a signalling one
    CHECK(gives_everywhere(relu_forward_k{}, -inf, none, none, pz));
    CHECK(gives_everywhere(relu_forward_k{}, inf, none, none, inf));
    CHECK(gives_everywhere(relu_forward_k{}, lim::denorm_min(), none, none, lim::denorm_min()));
    CHECK(gives_everywhere(relu_forward_k{}, -lim::denorm_min(), none, none, pz));
  }
  SECTION("ReLU6 forward: x < 0 ? +0 : (x > 6 ? 6 : x)") {
    CHECK(gives_everywhere(relu6_forward_k{}, nz, none, none, nz));
    CHECK(gives_everywhere(relu6_forward_k{}, nan, none, none, nan));
    CHECK(gives_everywhere(relu6_forward_k{}, inf, none, none, T(6)));
    CHECK(gives_everywhere(relu6_forward_k{}, -inf, none, none, pz));
    CHECK(gives_everywhere(relu6_forward_k{}, T(7), none, none, T(6)));
    CHECK(gives_everywhere(relu6_forward_k{}, T(6), none, none, T(6)));
    const T below6 = std::nextafter(T(6), T(0));
    CHECK(gives_everywhere(relu6_forward_k{}, below6, none, none, below6));
  }
  SECTION("LeakyReLU forward: x > 0 ? x : x * s, NaN quieted by the multiply") {
    CHECK(gives_everywhere(leaky_relu_forward_k{}, T(-2), none, s, reference::product(T(-2), s)));
    CHECK(gives_everywhere(leaky_relu_forward_k{}, T(7), none, s, T(7)));
    CHECK(gives_everywhere(leaky_relu_forward_k{}, nz, none, s, reference::product(nz, s)));
    CHECK(
        gives_everywhere(leaky_relu_forward_k{}, -inf, none, T(0), reference::product(-inf, T(0))));
    CHECK(std::isnan(reference::product(-inf, T(0))));
    CHECK(gives_everywhere(leaky_relu_forward_k{}, T(-2), none, T(-0.5), T(1)));  // any slope
    CHECK(gives_everywhere(leaky_relu_forward_k{}, snan, none, s, reference::product(snan, s)));
  }
  SECTION("ReLU derivative: x <= 0 ? 0 : 1, so 0 at x = 0 and 1 at NaN") {
    CHECK(gives_everywhere(relu_derivative_k{}, pz, none, none, T(0)));
    CHECK(gives_everywhere(relu_derivative_k{}, nz, none, none, T(0)));
    CHECK(gives_everywhere(relu_derivative_k{}, nan, none, none, T(1)));
    CHECK(gives_everywhere(relu_derivative_k{}, lim::denorm_min(), none, none, T(1)));
  }
  SECTION("ReLU6 derivative: 0 outside (0, 6), 1 at NaN in every position") {
    CHECK(gives_everywhere(relu6_derivative_k{}, pz, none, none, T(0)));
    CHECK(gives_everywhere(relu6_derivative_k{}, T(6), none, none, T(0)));
    CHECK(gives_everywhere(relu6_derivative_k{}, std::nextafter(T(6), T(0)), none, none, T(1)));
    CHECK(gives_everywhere(relu6_derivative_k{}, nan, none, none, T(1)));
    CHECK(gives_everywhere(relu6_derivative_k{}, inf, none, none, T(0)));
  }
  SECTION("LeakyReLU derivative: x > 0 ? 1 : s, so s at 0 and at NaN") {
    CHECK(gives_everywhere(leaky_relu_derivative_k{}, pz, none, s, s));
    CHECK(gives_everywhere(leaky_relu_derivative_k{}, nan, none, s, s));
    CHECK(gives_everywhere(leaky_relu_derivative_k{}, T(1), none, s, T(1)));
  }
  SECTION("Backward is a select: Inf and NaN in dy pass where f' = 1 and become +0 where f' = 0") {
    CHECK(gives_everywhere(relu_backward_k{}, T(-1), inf, none, pz));
    CHECK(gives_everywhere(relu_backward_k{}, T(-1), nan, none, pz));
    CHECK(gives_everywhere(relu_backward_k{}, T(1), nan, none, nan));
    CHECK(gives_everywhere(relu_backward_k{}, nan, inf, none, inf));
    CHECK(gives_everywhere(relu_backward_k{}, pz, T(-5), none, pz));
    CHECK(gives_everywhere(relu6_backward_k{}, T(6), inf, none, pz));
    CHECK(gives_everywhere(relu6_backward_k{}, nan, T(-5), none, T(-5)));
    CHECK(gives_everywhere(leaky_relu_backward_k{}, T(-1), inf, s, reference::product(inf, s)));
    CHECK(
        gives_everywhere(leaky_relu_backward_k{}, T(-1), inf, T(0), reference::product(inf, T(0))));
    CHECK(gives_everywhere(leaky_relu_backward_k{}, T(2), nz, s, nz));
    // Passing means passing the bits: a signalling NaN dy is not quieted where f' = 1.
    CHECK(gives_everywhere(relu_backward_k{}, T(1), snan, none, snan));
    CHECK(gives_everywhere(relu6_backward_k{}, T(1), snan, none, snan));
    CHECK(gives_everywhere(leaky_relu_backward_k{}, T(2), snan, s, snan));
    CHECK(gives_everywhere(leaky_relu_backward_k{}, T(2), snan, T(-0.5), snan));
    CHECK(gives_everywhere(leaky_relu_backward_from_output_k{}, T(2), snan, s, snan));
  }
  SECTION("Backward from the output gives the bits of the backward from the input") {
    const std::vector<T> xs = special_values<T>();
    const std::vector<T> dys = {T(1), T(-2.5), pz, nz, inf, -inf, nan};
    for (T x : xs) {
      for (T dy : dys) {
        CHECK(same_bits(reference::relu_backward(x, dy),
                        reference::relu_backward_from_output(reference::relu_forward(x), dy)));
        CHECK(gives_everywhere(relu_backward_from_output_k{}, reference::relu_forward(x), dy, none,
                               reference::relu_backward(x, dy)));
        CHECK(gives_everywhere(relu6_backward_from_output_k{}, reference::relu6_forward(x), dy,
                               none, reference::relu6_backward(x, dy)));
        for (T slope : {T(0.01), T(0), T(2)}) {
          CHECK(gives_everywhere(leaky_relu_backward_from_output_k{},
                                 reference::leaky_relu_forward(x, slope), dy, slope,
                                 reference::leaky_relu_backward(x, dy, slope)));
        }
      }
    }
  }
}

}  // namespace

TEST_CASE("SEMANTICS.md rules hold in every buffer position, float", "[semantics]") {
  check_rules<float>();
}
TEST_CASE("SEMANTICS.md rules hold in every buffer position, double", "[semantics]") {
  check_rules<double>();
}

#if defined(__x86_64__) || defined(__i386__)
namespace {

// Sets the caller's flush-to-zero mode (results that would be denormal become 0; inputs are still
// read as they are) for the lifetime of the object.
class flush_to_zero {
 public:
  flush_to_zero() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | _MM_FLUSH_ZERO_ON); }
  ~flush_to_zero() { _mm_setcsr(saved_); }
  flush_to_zero(const flush_to_zero&) = delete;
  flush_to_zero& operator=(const flush_to_zero&) = delete;

 private:
  unsigned saved_;
};

}  // namespace

TEMPLATE_TEST_CASE("Under the caller's flush-to-zero, a denormal passed through keeps its bits",
                   "[semantics]", float, double) {
  using T = TestType;
  const T tiny = std::numeric_limits<T>::denorm_min(), s = T(0.01);
  const flush_to_zero mode;
  // x > 0 selects x (forward) or dy (backward) itself, in every position of the buffer: no
  // arithmetic touches it, so the mode has nothing to flush.
  CHECK(gives_everywhere(leaky_relu_forward_k{}, tiny, T(0), s, tiny));
  CHECK(gives_everywhere(leaky_relu_forward_k{}, tiny, T(0), T(-0.5), tiny));
  CHECK(gives_everywhere(leaky_relu_backward_k{}, T(2), tiny, s, tiny));
  CHECK(gives_everywhere(leaky_relu_backward_from_output_k{}, T(2), tiny, s, tiny));
  CHECK(gives_everywhere(relu_forward_k{}, tiny, T(0), T(0), tiny));
  CHECK(gives_everywhere(relu_backward_k{}, T(2), tiny, T(0), tiny));
  // A denormal x is inside ReLU6's (0, 6): its test of the interval must not compute anything
  // the mode could flush to 0.
  CHECK(gives_everywhere(relu6_derivative_k{}, tiny, T(0), T(0), T(1)));
  CHECK(gives_everywhere(relu6_backward_k{}, tiny, T(2), T(0), T(2)));
  CHECK(gives_everywhere(relu6_backward_from_output_k{}, tiny, T(2), T(0), T(2)));
}
#endif

TEST_CASE("Denormals are neither flushed nor read as zero by the library", "[semantics]") {
  const float tiny = std::numeric_limits<float>::denorm_min();
  std::vector<float> x = {tiny, -tiny, tiny, -tiny}, y(4);
  rectify::leaky_relu_forward(x, y, 1.0f);
  CHECK(same_bits(y[0], tiny));
  CHECK(same_bits(y[1], -tiny));
}
