// Bad input: every condition of SEMANTICS.md "Bad input" throws std::invalid_argument whose
// message names the function and the sizes, and leaves every output byte as it was.

#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <rectify/rectify.hpp>

#include "catch.hpp"
#include "kernel_list.hpp"
#include "values.hpp"

namespace {

// Runs call, which must throw std::invalid_argument mentioning each of `words`, and checks that
// `outputs` kept every byte.
template <class Call>
void refuses(Call call, std::vector<std::vector<float>*> outputs, std::vector<std::string> words) {
  std::vector<std::vector<float>> before;
  for (auto* o : outputs) before.push_back(*o);
  std::string message;
  try {
    call();
  } catch (const std::invalid_argument& e) {
    message = e.what();
  }
  INFO("message: " << message);
  REQUIRE(!message.empty());
  for (const std::string& word : words) CHECK(message.find(word) != std::string::npos);
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    CHECK(std::memcmp(outputs[k]->data(), before[k].data(), before[k].size() * sizeof(float)) == 0);
  }
}

}  // namespace

TEST_CASE("Sizes that differ are refused before anything is written", "[errors]") {
  std::vector<float> x(5, -1.0f), y(4, 42.0f), dy(5, 1.0f), dx(6, 42.0f);
  SECTION("forward") {
    refuses([&] { rectify::relu_forward(x, y); }, {&y}, {"rectify::relu_forward", "5", "4"});
    refuses([&] { rectify::relu6_forward(x, y); }, {&y}, {"relu6_forward", "5", "4"});
    refuses([&] { rectify::leaky_relu_forward(x, y); }, {&y}, {"leaky_relu_forward", "5", "4"});
  }
  SECTION("derivative") {
    refuses([&] { rectify::relu_derivative(x, y); }, {&y}, {"relu_derivative", "5", "4"});
    refuses([&] { rectify::relu6_derivative(x, y); }, {&y}, {"relu6_derivative", "5", "4"});
    refuses([&] { rectify::leaky_relu_derivative(x, y, 0.1f); }, {&y},
            {"leaky_relu_derivative", "5", "4"});
  }
  SECTION("backward: dx of another size, dy of another size") {
    refuses([&] { rectify::relu_backward(x, dy, dx); }, {&dx}, {"relu_backward", "5", "6"});
    refuses([&] { rectify::relu6_backward(x, y, y); }, {&y}, {"relu6_backward", "5", "4"});
    refuses([&] { rectify::leaky_relu_backward(x, dy, dx); }, {&dx}, {"leaky_relu_backward", "6"});
    refuses([&] { rectify::relu_backward_from_output(x, dy, dx); }, {&dx},
            {"relu_backward_from_output", "6"});
    refuses([&] { rectify::relu6_backward_from_output(x, dy, dx); }, {&dx},
            {"relu6_backward_from_output", "6"});
    refuses([&] { rectify::leaky_relu_backward_from_output(x, dy, dx); }, {&dx},
            {"leaky_relu_backward_from_output", "6"});
  }
}

TEST_CASE("An output that partly overlaps an input is refused, the very same buffer works",
          "[errors]") {
  std::vector<float> buffer = {-3, -2, -1, 0, 1, 2, 3, 4};
  std::span<float> all(buffer);
  refuses([&] { rectify::relu_forward(all.first(6), all.subspan(1, 6)); }, {&buffer},
          {"relu_forward", "partly overlaps", "6"});
  refuses([&] { rectify::relu_backward(all.first(4), all.last(4), all.subspan(2, 4)); }, {&buffer},
          {"relu_backward", "dx", "overlaps"});
  rectify::relu_forward(all, all);
  CHECK(buffer == std::vector<float>({0, 0, 0, 0, 1, 2, 3, 4}));
}

TEST_CASE("PReLU layout problems are refused", "[errors][prelu]") {
  std::vector<float> x(12, -1.0f), y(12, 42.0f), dy(12, 1.0f), dx(12, 42.0f);
  std::vector<float> w3(3, 0.25f), w5(5, 0.25f), none, dw3(3, 42.0f), dw2(2, 42.0f);
  SECTION("an empty weight") {
    refuses([&] { rectify::prelu_forward(x, y, none); }, {&y}, {"prelu_forward", "w is empty"});
  }
  SECTION("inner == 0") {
    refuses([&] { rectify::prelu_derivative(x, y, w3, 0); }, {&y},
            {"prelu_derivative", "inner is 0"});
  }
  SECTION("a size that is not a multiple of C * inner") {
    refuses([&] { rectify::prelu_forward(x, y, w5); }, {&y}, {"prelu_forward", "12", "5"});
    refuses([&] { rectify::prelu_forward(x, y, w3, 5); }, {&y},
            {"prelu_forward", "12", "3 * 5 = 15"});
  }
  SECTION("a dw whose size is not C") {
    refuses([&] { rectify::prelu_backward(x, dy, dx, w3, dw2); }, {&dx, &dw2},
            {"prelu_backward", "dw", "2", "3"});
  }
  SECTION("dw overlapping another buffer") {
    std::span<float> dx_head(dx.data(), 3);
    refuses([&] { rectify::prelu_backward(x, dy, dx, w3, dx_head); }, {&dx},
            {"prelu_backward", "dw", "overlaps"});
  }
  SECTION("C * inner overflowing") {
    // Not a constant, or the compiler warns about the (unreachable) loop over that many elements.
    volatile std::size_t huge = static_cast<std::size_t>(-1) / 2;
    refuses([&] { rectify::prelu_forward(x, y, w3, huge); }, {&y}, {"prelu_forward", "overflows"});
  }
}

TEST_CASE("LeakyReLU's backward from the output refuses a negative slope", "[errors]") {
  std::vector<float> y(8, -1.0f), dy(8, 1.0f), dx(8, 42.0f);
  refuses([&] { rectify::leaky_relu_backward_from_output(y, dy, dx, -0.5f); }, {&dx},
          {"leaky_relu_backward_from_output", "-0.5"});
  refuses([&] { rectify::leaky_relu_backward_from_output(y, dy, dx, std::nanf("")); }, {&dx},
          {"leaky_relu_backward_from_output", "nan"});
  rectify::leaky_relu_backward_from_output(y, dy, dx, -0.0f);  // -0 is not negative
  CHECK(dx[0] == 0.0f);
}

TEST_CASE("Empty spans are valid and do nothing", "[errors]") {
  std::vector<double> empty, w = {0.25};
  std::vector<double> dw = {42.0};
  rectify::relu_forward(empty, empty);
  rectify::leaky_relu_backward(empty, empty, empty);
  rectify::prelu_backward(empty, empty, empty, w, dw);
  CHECK(dw[0] == 0.0);  // overwritten: the sum of no terms
}

// ---- Every function under every condition that applies to it --------------------------------

namespace {

using testing::slope_kind;

// The buffers of one call, all cut from one arena so that overlaps can be arranged and every
// byte a call could reach is compared before and after.
template <class T>
struct call_args {
  std::span<T> x, dy, out, w, dw;
  std::size_t inner = 1;
  T slope = T(0.01);
};

template <class T>
struct api_function {
  std::string name;
  int inputs;  // 1: x; 2: x and dy
  bool prelu = false;
  bool writes_dw = false;
  bool refuses_negative_slope = false;
  std::function<void(const call_args<T>&)> call;
};

template <class T, class Kernel>
api_function<T> elementwise_function(Kernel) {
  return {std::string(Kernel::name),
          Kernel::inputs,
          false,
          false,
          Kernel::slope == slope_kind::non_negative,
          [](const call_args<T>& a) {
            Kernel::run(rectify::default_arch{}, std::span<const T>(a.x), std::span<const T>(a.dy),
                        a.out, a.slope);
          }};
}

template <class T>
std::vector<api_function<T>> api_functions() {
  std::vector<api_function<T>> functions;
  std::apply([&](auto... kernel) { (functions.push_back(elementwise_function<T>(kernel)), ...); },
             testing::elementwise_kernels{});
  functions.push_back({"prelu_forward", 1, true, false, false, [](const call_args<T>& a) {
                         rectify::prelu_forward(std::span<const T>(a.x), a.out,
                                                std::span<const T>(a.w), a.inner);
                       }});
  functions.push_back({"prelu_derivative", 1, true, false, false, [](const call_args<T>& a) {
                         rectify::prelu_derivative(std::span<const T>(a.x), a.out,
                                                   std::span<const T>(a.w), a.inner);
                       }});
  functions.push_back({"prelu_backward", 2, true, true, false, [](const call_args<T>& a) {
                         rectify::prelu_backward(std::span<const T>(a.x), std::span<const T>(a.dy),
                                                 a.out, std::span<const T>(a.w), a.dw, a.inner);
                       }});
  return functions;
}

// One bad call: how its buffers are cut from the arena, and words its message must contain.
template <class T>
struct bad_call {
  std::string condition;
  call_args<T> args;
  std::vector<std::string> words;
};

constexpr std::size_t kSize = 12;  // a multiple of C = 3 and of C * inner = 3 * 2

// Cuts x, dy, out, w (3 channels) and dw apart from one another, out of `arena`.
template <class T>
call_args<T> well_formed(std::vector<T>& arena) {
  const auto at = [&](std::size_t offset, std::size_t n) {
    return std::span<T>(arena.data() + offset, n);
  };
  return {at(0, kSize), at(20, kSize), at(40, kSize), at(60, 3), at(70, 3), 1, T(0.01)};
}

template <class T>
std::vector<bad_call<T>> bad_calls(const api_function<T>& f, std::vector<T>& arena) {
  const auto at = [&](std::size_t offset, std::size_t n) {
    return std::span<T>(arena.data() + offset, n);
  };
  const std::string n = std::to_string(kSize);
  std::vector<bad_call<T>> calls;
  const auto add = [&](std::string condition, auto change, std::vector<std::string> words) {
    call_args<T> args = well_formed(arena);
    change(args);
    calls.push_back({std::move(condition), args, std::move(words)});
  };

  add("an output shorter than the input", [&](call_args<T>& a) { a.out = at(40, kSize - 1); },
      {n, std::to_string(kSize - 1)});
  add("an output longer than the input", [&](call_args<T>& a) { a.out = at(40, kSize + 6); },
      {n, std::to_string(kSize + 6)});
  add("an output partly overlapping x", [&](call_args<T>& a) { a.out = at(1, kSize); },
      {"partly overlaps", "x"});
  if (f.inputs == 2) {
    add("dy of another size than x", [&](call_args<T>& a) { a.dy = at(20, kSize + 3); },
        {"dy", n, std::to_string(kSize + 3)});
    add("an output partly overlapping dy", [&](call_args<T>& a) { a.out = at(25, kSize); },
        {"partly overlaps", "dy"});
  }
  if (f.refuses_negative_slope) {
    add("a negative slope", [](call_args<T>& a) { a.slope = T(-0.5); }, {"-0.5"});
    add("a NaN slope", [](call_args<T>& a) { a.slope = std::numeric_limits<T>::quiet_NaN(); },
        {"nan"});
    add("a slope of -Inf", [](call_args<T>& a) { a.slope = -std::numeric_limits<T>::infinity(); },
        {"-inf"});
  }
  if (f.prelu) {
    add("an empty w", [&](call_args<T>& a) { a.w = at(60, 0); }, {"w is empty"});
    add("inner == 0", [](call_args<T>& a) { a.inner = 0; }, {"inner is 0"});
    add("C * inner overflowing",
        [](call_args<T>& a) { a.inner = std::numeric_limits<std::size_t>::max() / 2; },
        {"overflows"});
    add("a size that is not a multiple of C", [&](call_args<T>& a) { a.w = at(60, 5); }, {n, "5"});
    add("a size that is not a multiple of C * inner", [](call_args<T>& a) { a.inner = 5; },
        {n, "3 * 5 = 15"});
    add("an output sharing bytes with w", [&](call_args<T>& a) { a.w = at(40 + kSize - 1, 3); },
        {"overlaps", "w"});
  }
  if (f.writes_dw) {
    add("a dw smaller than w", [&](call_args<T>& a) { a.dw = at(70, 2); }, {"dw", "2", "3"});
    add("a dw larger than w", [&](call_args<T>& a) { a.dw = at(70, 4); }, {"dw", "4", "3"});
    add("dw sharing bytes with x", [&](call_args<T>& a) { a.dw = at(kSize - 1, 3); },
        {"dw", "overlaps", "x"});
    add("dw sharing bytes with dy", [&](call_args<T>& a) { a.dw = at(20, 3); },
        {"dw", "overlaps", "dy"});
    add("dw sharing bytes with dx", [&](call_args<T>& a) { a.dw = at(45, 3); },
        {"dw", "overlaps", "dx"});
    add("dw sharing bytes with w", [&](call_args<T>& a) { a.dw = at(61, 3); },
        {"dw", "overlaps", "w"});
  }
  return calls;
}

template <class T>
void every_function_refuses_every_condition() {
  std::vector<T> arena(96);
  for (const api_function<T>& f : api_functions<T>()) {
    for (const bad_call<T>& bad : bad_calls(f, arena)) {
      arena = testing::mixed_values<T>(arena.size(), 5);
      const std::vector<T> before = arena;
      std::string message;
      try {
        f.call(bad.args);
      } catch (const std::invalid_argument& e) {
        message = e.what();
      }
      INFO(f.name << " with " << bad.condition << ": message \"" << message << "\"");
      CHECK(message.find("rectify::" + f.name + ":") != std::string::npos);
      for (const std::string& word : bad.words) CHECK(message.find(word) != std::string::npos);
      CHECK(std::memcmp(arena.data(), before.data(), arena.size() * sizeof(T)) == 0);
    }
    // The well-formed call next to them does write, so the checks above can tell.
    arena = testing::mixed_values<T>(arena.size(), 5);
    const std::vector<T> before = arena;
    f.call(well_formed(arena));
    INFO(f.name << " with well-formed arguments");
    CHECK(std::memcmp(arena.data(), before.data(), arena.size() * sizeof(T)) != 0);
  }
}

}  // namespace

TEST_CASE("Every function refuses every bad-input condition that applies to it, writing nothing",
          "[errors]") {
  SECTION("float") { every_function_refuses_every_condition<float>(); }
  SECTION("double") { every_function_refuses_every_condition<double>(); }
}
