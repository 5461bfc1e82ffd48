// No call reads or writes a byte outside the spans it was given: every elementwise kernel and
// PReLU, on every instruction set, for float and double, at every size from 0 to a few vectors,
// in place and not, with each buffer flush against an inaccessible page on one side and then the
// other (fenced_buffer.hpp). The results are checked against the reference too, so a kernel that
// stays in bounds by skipping work does not pass.

#include <cstddef>
#include <string>
#include <vector>

#include "arches.hpp"
#include "catch.hpp"
#include "fenced_buffer.hpp"
#include "kernel_list.hpp"
#include "reference.hpp"
#include "values.hpp"

using namespace testing;

namespace {

// The largest size swept: three unrolled blocks of the widest vector, one more vector and one
// more element, so every loop of kernel_loop.hpp runs zero, one and several times.
template <class T>
constexpr std::size_t max_size() {
  return 3 * rectify::detail::kUnroll * (64 / sizeof(T)) + 64 / sizeof(T) + 1;
}

const char* type_name(float) { return "float"; }
const char* type_name(double) { return "double"; }

template <class T, class Kernel>
void fence_elementwise(Kernel) {
  const fault_reporter reporter;
  const std::vector<T> pool = mixed_values<T>(2 * max_size<T>(), 97);
  fenced_buffer<T> x_pages(max_size<T>()), dy_pages(max_size<T>()), out_pages(max_size<T>());
  const T slope = Kernel::slope == slope_kind::any ? T(-0.5) : T(0.25);
  std::size_t calls = 0;
  std::string first_failure;
  for_each_arch([&](auto arch) {
    using Arch = decltype(arch);
    for (flush where : {flush::end, flush::start}) {
      for (std::size_t n = 0; n <= max_size<T>(); ++n) {
        for (bool in_place : {false, true}) {
          std::span<T> x = x_pages.place(n, where), dy = dy_pages.place(n, where);
          std::span<T> out = in_place ? x : out_pages.place(n, where);
          std::copy(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(n), x.begin());
          std::copy(pool.end() - static_cast<std::ptrdiff_t>(n), pool.end(), dy.begin());
          const std::vector<T> x0(x.begin(), x.end()), dy0(dy.begin(), dy.end());
          describe_call("%s<%s, %s> n=%zu flush=%s in_place=%d", Kernel::name.data(), Arch::name(),
                        type_name(T{}), n, where == flush::end ? "end" : "start", in_place);
          ++calls;
          Kernel::run(arch, std::span<const T>(x), std::span<const T>(dy), out, slope);
          bool ok = x_pages.outside_untouched() && dy_pages.outside_untouched() &&
                    (in_place || out_pages.outside_untouched());
          for (std::size_t i = 0; ok && i < n; ++i) {
            ok = same_bits(out[i], Kernel::ref(x0[i], dy0[i], slope)) && same_bits(dy[i], dy0[i]) &&
                 (in_place || same_bits(x[i], x0[i]));
          }
          if (!ok && first_failure.empty()) first_failure = current_call;
        }
      }
    }
  });
  INFO(Kernel::name << ", " << type_name(T{}) << ": " << calls << " calls");
  CHECK(first_failure == "");
}

struct layout {
  std::size_t channels, inner;
};

// Layouts that fit n elements: one slope, n channels-last channels, one channels-first run of
// n, and a smallest divisor of n as the channel count; for n = 0 a few that fit anything.
std::vector<layout> layouts_for(std::size_t n) {
  if (n == 0) return {{1, 1}, {3, 1}, {3, 5}};
  std::vector<layout> layouts = {{1, 1}, {n, 1}, {1, n}};
  for (std::size_t d = 2; d < n; ++d) {
    if (n % d == 0) {
      layouts.push_back({d, n / d});
      layouts.push_back({n / d, d});
      break;
    }
  }
  return layouts;
}

template <class T>
void fence_prelu() {
  const fault_reporter reporter;
  const std::vector<T> pool = mixed_values<T>(3 * max_size<T>(), 98);
  fenced_buffer<T> x_pages(max_size<T>()), dy_pages(max_size<T>()), out_pages(max_size<T>());
  fenced_buffer<T> w_pages(max_size<T>()), dw_pages(max_size<T>());
  std::size_t calls = 0;
  std::string first_failure;
  for_each_arch([&](auto arch) {
    using Arch = decltype(arch);
    for (flush where : {flush::end, flush::start}) {
      for (std::size_t n = 0; n <= max_size<T>(); ++n) {
        for (const layout& l : layouts_for(n)) {
          for (int op = 0; op < 3; ++op) {
            for (bool in_place : {false, true}) {
              std::span<T> x = x_pages.place(n, where), dy = dy_pages.place(n, where);
              std::span<T> w = w_pages.place(l.channels, where);
              std::span<T> dw = dw_pages.place(l.channels, where);
              std::span<T> out = in_place ? x : out_pages.place(n, where);
              const auto nx = static_cast<std::ptrdiff_t>(n);
              std::copy(pool.begin(), pool.begin() + nx, x.begin());
              std::copy(pool.begin() + nx, pool.begin() + 2 * nx, dy.begin());
              for (std::size_t c = 0; c < l.channels; ++c) w[c] = T(0.25) - T(0.125) * T(c % 5);
              const std::vector<T> x0(x.begin(), x.end()), dy0(dy.begin(), dy.end());
              const std::span<const T> cx(x), cdy(dy), cw(w);
              const char* names[] = {"prelu_forward", "prelu_derivative", "prelu_backward"};
              describe_call("%s<%s, %s> n=%zu C=%zu inner=%zu flush=%s in_place=%d", names[op],
                            Arch::name(), type_name(T{}), n, l.channels, l.inner,
                            where == flush::end ? "end" : "start", in_place);
              ++calls;
              if (op == 0) rectify::prelu_forward<Arch>(cx, out, cw, l.inner);
              if (op == 1) rectify::prelu_derivative<Arch>(cx, out, cw, l.inner);
              if (op == 2) rectify::prelu_backward<Arch>(cx, cdy, out, cw, dw, l.inner);
              bool ok = x_pages.outside_untouched() && dy_pages.outside_untouched() &&
                        w_pages.outside_untouched() &&
                        (in_place || out_pages.outside_untouched()) &&
                        (op != 2 || dw_pages.outside_untouched());
              for (std::size_t i = 0; ok && i < n; ++i) {
                const T s = reference::prelu_slope(cw, l.inner, i);
                const T want = op == 0   ? reference::leaky_relu_forward(x0[i], s)
                               : op == 1 ? reference::leaky_relu_derivative(x0[i], s)
                                         : reference::leaky_relu_backward(x0[i], dy0[i], s);
                ok = same_bits(out[i], want);
              }
              if (!ok && first_failure.empty()) first_failure = current_call;
            }
          }
        }
      }
    }
  });
  INFO("PReLU, " << type_name(T{}) << ": " << calls << " calls");
  CHECK(first_failure == "");
}

template <class Kernel>
void fence_both_types(Kernel kernel) {
  fence_elementwise<float>(kernel);
  fence_elementwise<double>(kernel);
}

}  // namespace

TEST_CASE("No elementwise kernel touches a byte outside its spans", "[guard_pages]") {
  std::apply([](auto... kernel) { (fence_both_types(kernel), ...); }, elementwise_kernels{});
}

TEST_CASE("PReLU touches no byte outside x, dy, its output, w and dw", "[guard_pages][prelu]") {
  fence_prelu<float>();
  fence_prelu<double>();
}
