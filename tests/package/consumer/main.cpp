// A program that uses rectify the way a user does: one include, one call on a buffer.
#include <rectify/rectify.hpp>

#include <cstdio>
#include <vector>

int main() {
  std::vector<float> x = {-3.0f, -1.0f, 0.0f, 1.0f, 3.0f}, y(x.size());
  rectify::relu_forward(x, y);
  const bool ok = y == std::vector<float>{0.0f, 0.0f, 0.0f, 1.0f, 3.0f};
  std::printf("rectify %d.%d.%d: relu_forward %s\n", RECTIFY_VERSION_MAJOR, RECTIFY_VERSION_MINOR,
              RECTIFY_VERSION_PATCH, ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
