#pragma once
// What the exhaustive sweeps check: every elementwise kernel of kernel_list.hpp with each slope
// and, for backward kernels, each dy of the gradient set, plus PReLU in three layouts; each case
// knows its scalar reference (over a whole chunk) and its kernel on every instruction set of
// arches.hpp.

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "arches.hpp"
#include "kernel_list.hpp"
#include "reference.hpp"
#include "sweep_inputs.hpp"
#include "values.hpp"

namespace testing::sweep {

template <class T>
struct sweep_case {
  using reference_fn = std::function<void(std::span<const T> x, T dy, std::span<T> out)>;
  using kernel_fn = std::function<void(std::span<const T> x, std::span<const T> dy,
                                       std::span<T> out, std::span<T> dw)>;
  struct arch_kernel {
    const char* arch;
    kernel_fn run;
  };

  std::string name;
  // Backward kernels read dy, which is the same value, `gradient`, for the whole chunk.
  bool uses_gradient = false;
  T gradient = T(0);
  // PReLU's backward also writes dw, one value per channel of the layout.
  std::size_t channels = 0;
  std::size_t inner = 1;
  reference_fn reference;
  std::vector<arch_kernel> kernels;
};

// LeakyReLU's slopes, as the issue lists them: PyTorch's default, zero (where -Inf * 0 is NaN)
// and a negative one; the backward from the output refuses negative slopes.
template <class T>
std::vector<T> sweep_slopes(slope_kind kind) {
  switch (kind) {
    case slope_kind::none:
      return {T(0)};
    case slope_kind::non_negative:
      return {T(0.01), T(0)};
    case slope_kind::any:
      break;
  }
  return {T(0.01), T(0), T(-0.5)};
}

template <class T, class Kernel>
void add_elementwise(std::vector<sweep_case<T>>& cases) {
  const std::vector<T> gradients = Kernel::inputs == 2 ? gradient_set<T>() : std::vector<T>{T(0)};
  for (T slope : sweep_slopes<T>(Kernel::slope)) {
    for (T gradient : gradients) {
      sweep_case<T> c;
      c.name = std::string(Kernel::name);
      if (Kernel::slope != slope_kind::none) c.name += ", slope " + describe(slope);
      if (Kernel::inputs == 2) c.name += ", dy " + describe(gradient);
      c.uses_gradient = Kernel::inputs == 2;
      c.gradient = gradient;
      c.reference = [slope](std::span<const T> x, T dy, std::span<T> out) {
        for (std::size_t i = 0; i < x.size(); ++i) out[i] = Kernel::ref(x[i], dy, slope);
      };
      for_each_arch([&](auto arch) {
        using Arch = decltype(arch);
        c.kernels.push_back({arch_name<Arch>(),
                             [slope](std::span<const T> x, std::span<const T> dy, std::span<T> out,
                                     std::span<T>) { Kernel::run(Arch{}, x, dy, out, slope); }});
      });
      cases.push_back(std::move(c));
    }
  }
}

// PReLU layouts: one shared slope; four channels, channels-last (the slope changes from lane to
// lane); four channels, channels-first (one slope per run of a quarter chunk). The last two take
// the two paths of prelu_walk.hpp. The shared slope takes the channels-last path too, so its
// backward, the costliest case to check, is left to the other two.
template <class T>
struct prelu_layout {
  std::string name;
  std::vector<T> w;
  std::size_t inner;
  bool backward;
};

template <class T>
std::vector<prelu_layout<T>> prelu_layouts() {
  const std::vector<T> four = {T(0.25), T(-0.5), T(0), T(3)};
  return {{"one shared slope 0.25", {T(0.25)}, 1, false},
          {"4 channels channels-last", four, 1, true},
          {"4 channels channels-first", four, kChunk / four.size(), true}};
}

template <class T>
void add_prelu(std::vector<sweep_case<T>>& cases) {
  for (const prelu_layout<T>& layout : prelu_layouts<T>()) {
    const auto w = layout.w;
    const std::size_t inner = layout.inner;
    // The slope of every position of a chunk, from the reference's rule, computed once: a
    // division per element would cost more than the kernels under test.
    auto slope_of = std::make_shared<std::vector<T>>(kChunk);
    for (std::size_t i = 0; i < kChunk; ++i) {
      (*slope_of)[i] = reference::prelu_slope(std::span<const T>(w), inner, i);
    }
    std::vector<sweep_case<T>> added(2);
    added[0].name = "prelu_forward, " + layout.name;
    added[0].reference = [slope_of](std::span<const T> x, T, std::span<T> out) {
      const T* slope = slope_of->data();
      for (std::size_t i = 0; i < x.size(); ++i)
        out[i] = reference::leaky_relu_forward(x[i], slope[i]);
    };
    added[1].name = "prelu_derivative, " + layout.name;
    added[1].reference = [slope_of](std::span<const T> x, T, std::span<T> out) {
      const T* slope = slope_of->data();
      for (std::size_t i = 0; i < x.size(); ++i)
        out[i] = reference::leaky_relu_derivative(x[i], slope[i]);
    };
    for_each_arch([&](auto arch) {
      using Arch = decltype(arch);
      added[0].kernels.push_back(
          {arch_name<Arch>(),
           [w, inner](std::span<const T> x, std::span<const T>, std::span<T> out, std::span<T>) {
             rectify::prelu_forward<Arch>(x, out, w, inner);
           }});
      added[1].kernels.push_back(
          {arch_name<Arch>(),
           [w, inner](std::span<const T> x, std::span<const T>, std::span<T> out, std::span<T>) {
             rectify::prelu_derivative<Arch>(x, out, w, inner);
           }});
    });
    for (T gradient : layout.backward ? gradient_set<T>() : std::vector<T>{}) {
      sweep_case<T> c;
      c.name = "prelu_backward, " + layout.name + ", dy " + describe(gradient);
      c.uses_gradient = true;
      c.gradient = gradient;
      c.channels = w.size();
      c.inner = inner;
      c.reference = [slope_of](std::span<const T> x, T dy, std::span<T> out) {
        const T* slope = slope_of->data();
        for (std::size_t i = 0; i < x.size(); ++i)
          out[i] = reference::leaky_relu_backward(x[i], dy, slope[i]);
      };
      for_each_arch([&](auto arch) {
        using Arch = decltype(arch);
        c.kernels.push_back(
            {arch_name<Arch>(), [w, inner](std::span<const T> x, std::span<const T> dy,
                                           std::span<T> dx, std::span<T> dw) {
               rectify::prelu_backward<Arch>(x, dy, dx, w, dw, inner);
             }});
      });
      added.push_back(std::move(c));
    }
    for (auto& c : added) cases.push_back(std::move(c));
  }
}

template <class T>
std::vector<sweep_case<T>> all_cases() {
  std::vector<sweep_case<T>> cases;
  std::apply([&](auto... kernel) { (add_elementwise<T, decltype(kernel)>(cases), ...); },
             elementwise_kernels{});
  add_prelu<T>(cases);
  return cases;
}

// ---- PReLU's dw ------------------------------------------------------------------------------

// One channel's sum of the terms x > 0 ? 0 : x * dy, computed in double, the sum of their
// finite magnitudes, and how many there are.
struct slope_gradient_sum {
  double sum = 0;
  double finite_magnitude = 0;
  std::size_t terms = 0;
};

// Eight independent partial sums, so the sum runs at the rate of the additions, not their
// latency. A float product is exact in double, so for float the reference is off the true sum
// by a negligible fraction of the bound; for double it may be off by about an eighth of it,
// which the check allows for.
inline constexpr std::size_t kReferenceLanes = 8;

// SEMANTICS.md's term x > 0 ? 0 : x * dy in double, multiplied directly: reference::product's
// volatile operands, which keep NaN bits from compile-time folding, would cost more than the
// whole check, and NaN bits do not matter to a sum.
inline double slope_gradient_term(double x, double dy) { return x > 0 ? 0.0 : x * dy; }

inline slope_gradient_sum reference_sum(std::span<const double> terms) {
  constexpr double largest = std::numeric_limits<double>::max();
  double sum[kReferenceLanes] = {}, magnitude[kReferenceLanes] = {};
  // No branch on the data, whose signs follow no pattern in the double sample.
  const auto add = [&](std::size_t lane, double term) {
    sum[lane] += term;
    const double size = std::fabs(term);
    magnitude[lane] += size <= largest ? size : 0.0;
  };
  std::size_t i = 0;
  for (; i + kReferenceLanes <= terms.size(); i += kReferenceLanes) {
    for (std::size_t lane = 0; lane < kReferenceLanes; ++lane) add(lane, terms[i + lane]);
  }
  for (; i < terms.size(); ++i) add(0, terms[i]);
  slope_gradient_sum result;
  for (std::size_t lane = 0; lane < kReferenceLanes; ++lane) {
    result.sum += sum[lane];
    result.finite_magnitude += magnitude[lane];
  }
  result.terms = terms.size();
  return result;
}

// dw's reference for x read as [outer][channels][inner]: each channel's terms are gathered into
// one contiguous run and summed.
template <class T>
std::vector<slope_gradient_sum> slope_gradient_reference(std::span<const T> x, T dy,
                                                         std::size_t channels, std::size_t inner) {
  thread_local std::vector<double> terms;
  const std::size_t runs = x.size() / (channels * inner);
  terms.resize(runs * inner);
  std::vector<slope_gradient_sum> sums(channels);
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t r = 0; r < runs; ++r) {
      for (std::size_t j = 0; j < inner; ++j) {
        terms[r * inner + j] =
            slope_gradient_term(double(x[(r * channels + c) * inner + j]), double(dy));
      }
    }
    sums[c] = reference_sum(terms);
  }
  return sums;
}

enum class dw_verdict { ok, unchecked, wrong };

// Checks dw[c] against SEMANTICS.md: NaN when the exact sum is NaN, the same infinity when it is
// infinite, and otherwise within m * eps * sum|x dy| + m * denorm_min of it, widened by the
// reference sum's own worst-case error. Where the finite terms are large enough for a partial
// sum to overflow T, any order of summation may give an infinity or NaN, so that channel cannot
// be checked.
template <class T>
dw_verdict check_slope_gradient(const std::vector<slope_gradient_sum>& sums, std::span<const T> dw,
                                std::string& detail) {
  using lim = std::numeric_limits<double>;
  dw_verdict verdict = dw_verdict::ok;
  for (std::size_t c = 0; c < sums.size(); ++c) {
    const double reference = sums[c].sum, m = double(sums[c].terms);
    const double magnitude = sums[c].finite_magnitude;
    const double eps = std::numeric_limits<T>::epsilon();
    const double bound = m * eps * magnitude + m * double(std::numeric_limits<T>::denorm_min());
    const double reference_error =
        (m / double(kReferenceLanes) + double(kReferenceLanes) + 1) * lim::epsilon() * magnitude +
        m * lim::denorm_min();
    const T got = dw[c];
    bool ok;
    if (std::isnan(reference)) {
      ok = std::isnan(got);
    } else if (magnitude * (1 + m * eps) >= double(std::numeric_limits<T>::max())) {
      verdict = dw_verdict::unchecked;
      continue;
    } else if (std::isinf(reference)) {
      ok = double(got) == reference;
    } else {
      ok = std::fabs(double(got) - reference) <= bound + reference_error;
    }
    if (!ok) {
      detail = "dw[" + std::to_string(c) + "] = " + describe(got) + ", reference sum " +
               describe(reference) + ", allowed error " + describe(bound + reference_error);
      return dw_verdict::wrong;
    }
  }
  return verdict;
}

}  // namespace testing::sweep
