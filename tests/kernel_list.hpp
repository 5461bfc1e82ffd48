#pragma once
// The elementwise kernels of the library, one entry each: its name, how many data inputs it
// takes, whether it takes a slope, how to call it for a given instruction set (and with an
// execution policy first), and its scalar reference. The tests and the benchmark both walk this
// list. (PReLU, with its channel layout, has its own tester.)

#include <span>
#include <string_view>
#include <tuple>

#include <rectify/rectify.hpp>

#include "reference.hpp"

namespace testing {

enum class slope_kind { none, any, non_negative };

struct relu_forward_k {
  static constexpr std::string_view name = "relu_forward";
  static constexpr int inputs = 1;
  static constexpr slope_kind slope = slope_kind::none;
  static constexpr auto run = []<class A>(A, auto x, auto, auto y, auto) {
    rectify::relu_forward<A>(x, y);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto, auto y, auto) {
    rectify::relu_forward<A>(policy, x, y);
  };
  static constexpr auto ref = [](auto x, auto, auto) { return reference::relu_forward(x); };
};
struct relu_derivative_k {
  static constexpr std::string_view name = "relu_derivative";
  static constexpr int inputs = 1;
  static constexpr slope_kind slope = slope_kind::none;
  static constexpr auto run = []<class A>(A, auto x, auto, auto d, auto) {
    rectify::relu_derivative<A>(x, d);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto, auto d, auto) {
    rectify::relu_derivative<A>(policy, x, d);
  };
  static constexpr auto ref = [](auto x, auto, auto) { return reference::relu_derivative(x); };
};
struct relu_backward_k {
  static constexpr std::string_view name = "relu_backward";
  static constexpr int inputs = 2;
  static constexpr slope_kind slope = slope_kind::none;
  static constexpr auto run = []<class A>(A, auto x, auto dy, auto dx, auto) {
    rectify::relu_backward<A>(x, dy, dx);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto dy, auto dx, auto) {
    rectify::relu_backward<A>(policy, x, dy, dx);
  };
  static constexpr auto ref = [](auto x, auto dy, auto) { return reference::relu_backward(x, dy); };
};
struct relu_backward_from_output_k {
  static constexpr std::string_view name = "relu_backward_from_output";
  static constexpr int inputs = 2;
  static constexpr slope_kind slope = slope_kind::none;
  static constexpr auto run = []<class A>(A, auto y, auto dy, auto dx, auto) {
    rectify::relu_backward_from_output<A>(y, dy, dx);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto y, auto dy, auto dx, auto) {
    rectify::relu_backward_from_output<A>(policy, y, dy, dx);
  };
  static constexpr auto ref = [](auto y, auto dy, auto) {
    return reference::relu_backward_from_output(y, dy);
  };
};

struct relu6_forward_k {
  static constexpr std::string_view name = "relu6_forward";
  static constexpr int inputs = 1;
  static constexpr slope_kind slope = slope_kind::none;
  static constexpr auto run = []<class A>(A, auto x, auto, auto y, auto) {
    rectify::relu6_forward<A>(x, y);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto, auto y, auto) {
    rectify::relu6_forward<A>(policy, x, y);
  };
  static constexpr auto ref = [](auto x, auto, auto) { return reference::relu6_forward(x); };
};
struct relu6_derivative_k {
  static constexpr std::string_view name = "relu6_derivative";
  static constexpr int inputs = 1;
  static constexpr slope_kind slope = slope_kind::none;
  static constexpr auto run = []<class A>(A, auto x, auto, auto d, auto) {
    rectify::relu6_derivative<A>(x, d);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto, auto d, auto) {
    rectify::relu6_derivative<A>(policy, x, d);
  };
  static constexpr auto ref = [](auto x, auto, auto) { return reference::relu6_derivative(x); };
};
struct relu6_backward_k {
  static constexpr std::string_view name = "relu6_backward";
  static constexpr int inputs = 2;
  static constexpr slope_kind slope = slope_kind::none;
  static constexpr auto run = []<class A>(A, auto x, auto dy, auto dx, auto) {
    rectify::relu6_backward<A>(x, dy, dx);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto dy, auto dx, auto) {
    rectify::relu6_backward<A>(policy, x, dy, dx);
  };
  static constexpr auto ref = [](auto x, auto dy, auto) {
    return reference::relu6_backward(x, dy);
  };
};
struct relu6_backward_from_output_k {
  static constexpr std::string_view name = "relu6_backward_from_output";
  static constexpr int inputs = 2;
  static constexpr slope_kind slope = slope_kind::none;
  static constexpr auto run = []<class A>(A, auto y, auto dy, auto dx, auto) {
    rectify::relu6_backward_from_output<A>(y, dy, dx);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto y, auto dy, auto dx, auto) {
    rectify::relu6_backward_from_output<A>(policy, y, dy, dx);
  };
  static constexpr auto ref = [](auto y, auto dy, auto) {
    return reference::relu6_backward_from_output(y, dy);
  };
};

struct leaky_relu_forward_k {
  static constexpr std::string_view name = "leaky_relu_forward";
  static constexpr int inputs = 1;
  static constexpr slope_kind slope = slope_kind::any;
  static constexpr auto run = []<class A>(A, auto x, auto, auto y, auto s) {
    rectify::leaky_relu_forward<A>(x, y, s);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto, auto y, auto s) {
    rectify::leaky_relu_forward<A>(policy, x, y, s);
  };
  static constexpr auto ref = [](auto x, auto, auto s) {
    return reference::leaky_relu_forward(x, s);
  };
};
struct leaky_relu_derivative_k {
  static constexpr std::string_view name = "leaky_relu_derivative";
  static constexpr int inputs = 1;
  static constexpr slope_kind slope = slope_kind::any;
  static constexpr auto run = []<class A>(A, auto x, auto, auto d, auto s) {
    rectify::leaky_relu_derivative<A>(x, d, s);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto, auto d, auto s) {
    rectify::leaky_relu_derivative<A>(policy, x, d, s);
  };
  static constexpr auto ref = [](auto x, auto, auto s) {
    return reference::leaky_relu_derivative(x, s);
  };
};
struct leaky_relu_backward_k {
  static constexpr std::string_view name = "leaky_relu_backward";
  static constexpr int inputs = 2;
  static constexpr slope_kind slope = slope_kind::any;
  static constexpr auto run = []<class A>(A, auto x, auto dy, auto dx, auto s) {
    rectify::leaky_relu_backward<A>(x, dy, dx, s);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto x, auto dy, auto dx, auto s) {
    rectify::leaky_relu_backward<A>(policy, x, dy, dx, s);
  };
  static constexpr auto ref = [](auto x, auto dy, auto s) {
    return reference::leaky_relu_backward(x, dy, s);
  };
};
struct leaky_relu_backward_from_output_k {
  static constexpr std::string_view name = "leaky_relu_backward_from_output";
  static constexpr int inputs = 2;
  static constexpr slope_kind slope = slope_kind::non_negative;
  static constexpr auto run = []<class A>(A, auto y, auto dy, auto dx, auto s) {
    rectify::leaky_relu_backward_from_output<A>(y, dy, dx, s);
  };
  static constexpr auto run_with = []<class A>(A, auto policy, auto y, auto dy, auto dx, auto s) {
    rectify::leaky_relu_backward_from_output<A>(policy, y, dy, dx, s);
  };
  static constexpr auto ref = [](auto y, auto dy, auto s) {
    return reference::leaky_relu_backward_from_output(y, dy, s);
  };
};

using elementwise_kernels =
    std::tuple<relu_forward_k, relu_derivative_k, relu_backward_k, relu_backward_from_output_k,
               relu6_forward_k, relu6_derivative_k, relu6_backward_k, relu6_backward_from_output_k,
               leaky_relu_forward_k, leaky_relu_derivative_k, leaky_relu_backward_k,
               leaky_relu_backward_from_output_k>;

}  // namespace testing
