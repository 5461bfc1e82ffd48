// Bad input: every condition of SEMANTICS.md "Bad input" throws std::invalid_argument whose
// message names the function and the sizes, and leaves every output byte as it was.

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <rectify/rectify.hpp>
#include "catch.hpp"

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
