// A program built the usual way for distribution, with no -march flag, that runs the best
// kernels of the CPU it lands on through rectify::dispatch.
#include <rectify/rectify.hpp>

#include <cstdio>
#include <cstring>
#include <vector>

int main() {
  std::vector<float> x = {-3.0f, -1.0f, 0.0f, 1.0f, 3.0f, 7.0f}, y(x.size());
  rectify::relu6_forward(x, y);
  const bool ok = y == std::vector<float>{0.0f, 0.0f, 0.0f, 1.0f, 3.0f, 6.0f} &&
                  std::strlen(rectify::active_isa()) > 0;
  std::printf("rectify::dispatch on %s: relu6_forward %s\n", rectify::active_isa(),
              ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
