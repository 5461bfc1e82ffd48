// A program that uses rectify the way a user does: one include, one call on a buffer, and the
// same call split over threads.
#include <rectify/rectify.hpp>

#include <cstdio>
#include <vector>

int main() {
  std::vector<float> x = {-3.0f, -1.0f, 0.0f, 1.0f, 3.0f}, y(x.size());
  rectify::relu_forward(x, y);
  bool ok = y == std::vector<float>{0.0f, 0.0f, 0.0f, 1.0f, 3.0f};

  // Large enough for rectify::par to start its threads.
  std::vector<float> big(1 << 20), serial(big.size()), parallel(big.size());
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i % 7) - 3.0f;
  rectify::relu_forward(big, serial);
  rectify::relu_forward(rectify::par, big, parallel);
  ok = ok && serial == parallel;
#if defined(_OPENMP)
  const char* executor = "openmp";
#else
  const char* executor = "thread_pool";
#endif
  std::printf("rectify %d.%d.%d: relu_forward %s (par on %s)\n", RECTIFY_VERSION_MAJOR,
              RECTIFY_VERSION_MINOR, RECTIFY_VERSION_PATCH, ok ? "ok" : "WRONG", executor);
  return ok ? 0 : 1;
}
