// A sweep of the float bit patterns: every stride-th of the 2^32 patterns (all of them with
// stride 1), and the special values, through every elementwise kernel and PReLU, on every
// instruction set compiled in, bit for bit against the scalar reference. Each buffer is cut into
// calls whose lengths cycle from 1 to three unrolled blocks and one more, so every value is seen
// in unrolled-body, one-vector and scalar-tail positions. The backward kernels pair each x with a
// dy from a fixed set (+-0, +-Inf, NaNs, a denormal, ordinary values) in turn; their "y" input is
// the swept value itself. Where the exhaustive sweep is too slow (under an emulator), this is it.
//
// Usage: rectify_sampled_sweep [stride]   (default 41: 104,755,300 patterns, and the specials)
// Prints a progress line every tenth of the patterns and one line per kernel, instruction set and
// slope; exits 1 if any output bit differs.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <rectify/rectify.hpp>

#include "arches.hpp"
#include "kernel_list.hpp"
#include "reference.hpp"
#include "values.hpp"

using namespace testing;

namespace {

constexpr std::size_t kChunk = 1 << 16;

// Eleven values, a count prime to every vector width, so each dy meets x in every lane.
std::vector<float> dy_set() {
  const float inf = std::numeric_limits<float>::infinity();
  return {+0.0f,
          -0.0f,
          1.0f,
          -2.5f,
          inf,
          -inf,
          nans<float>()[0],
          nans<float>()[4],
          std::numeric_limits<float>::denorm_min(),
          3e38f,
          -1e-30f};
}

std::vector<float> slopes_of(slope_kind kind) {
  switch (kind) {
    case slope_kind::none:
      return {0.0f};
    case slope_kind::any:
      return {0.01f, 0.0f, -0.5f};
    case slope_kind::non_negative:
      return {0.01f, 0.0f};
  }
  return {};
}

// Per kernel, instruction set and slope: inputs checked, mismatches, the first one described.
struct tally {
  std::uint64_t checked = 0, mismatches = 0;
  std::string first;
};
std::map<std::string, tally> tallies;

std::string slope_text(float slope) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(slope));
  return text;
}

std::string label(std::string_view kernel, const char* arch, const char* slope) {
  return std::string(kernel) + "<" + arch + ">" + (slope[0] ? std::string(" slope ") + slope : "");
}

void record(tally& t, std::size_t i, float x, float dy, float got, float want) {
  ++t.mismatches;
  if (t.first.empty()) {
    t.first = "x = " + describe(x) + ", dy = " + describe(dy) + " (element " + std::to_string(i) +
              " of its chunk)" + " gave " + describe(got) + ", expected " + describe(want);
  }
}

// Calls run(offset, length) over [0, n) in pieces whose lengths cycle through 1 .. longest.
template <class Run>
void in_pieces(std::size_t n, std::size_t longest, std::size_t granule, Run&& run) {
  std::size_t length = granule;
  for (std::size_t i = 0; i < n;) {
    const std::size_t piece = std::min(length, n - i);
    run(i, piece);
    i += piece;
    length = length + granule > longest ? granule : length + granule;
  }
}

template <class Kernel, class Arch>
void sweep_kernel(const std::vector<float>& x, const std::vector<float>& dy,
                  std::vector<float>& out, float slope, const char* slope_name) {
  constexpr std::size_t lanes = lanes_of<float, Arch>;
  tally& t = tallies[label(Kernel::name, arch_name<Arch>(), slope_name)];
  const std::size_t longest = 3 * rectify::detail::kUnroll * lanes + 1;
  in_pieces(x.size(), longest, 1, [&](std::size_t at, std::size_t length) {
    Kernel::run(Arch{}, std::span<const float>(x.data() + at, length),
                std::span<const float>(dy.data() + at, length),
                std::span<float>(out.data() + at, length), slope);
  });
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float want = Kernel::ref(x[i], dy[i], slope);
    if (!same_bits(out[i], want)) record(t, i, x[i], dy[i], out[i], want);
  }
  t.checked += x.size();
}

// PReLU channels-last with three channels (the repeated slope pattern), so each call is a whole
// number of rows; forward, derivative and dx of the backward (dw is checked by the PReLU tests).
template <class Arch>
void sweep_prelu(const std::vector<float>& x, const std::vector<float>& dy,
                 std::vector<float>& out) {
  constexpr std::size_t lanes = lanes_of<float, Arch>;
  const std::vector<float> w = {0.25f, 0.0f, -0.5f};
  float dw[3];
  const std::size_t whole = x.size() / 3 * 3, longest = 3 * rectify::detail::kUnroll * lanes + 3;
  const auto slope = [&](std::size_t i) { return w[i % 3]; };  // calls start on a row
  for (int direction = 0; direction < 3; ++direction) {
    const char* name = direction == 0   ? "prelu_forward"
                       : direction == 1 ? "prelu_derivative"
                                        : "prelu_backward";
    tally& t = tallies[label(name, arch_name<Arch>(), "0.25, 0, -0.5")];
    in_pieces(whole, longest, 3, [&](std::size_t at, std::size_t length) {
      const std::span<const float> in(x.data() + at, length), grad(dy.data() + at, length);
      const std::span<float> result(out.data() + at, length);
      if (direction == 0) rectify::prelu_forward<Arch>(in, result, w);
      if (direction == 1) rectify::prelu_derivative<Arch>(in, result, w);
      if (direction == 2) rectify::prelu_backward<Arch>(in, grad, result, w, std::span<float>(dw));
    });
    for (std::size_t i = 0; i < whole; ++i) {
      const float s = slope(i);
      const float want = direction == 0   ? reference::leaky_relu_forward(x[i], s)
                         : direction == 1 ? reference::leaky_relu_derivative(x[i], s)
                                          : reference::leaky_relu_backward(x[i], dy[i], s);
      if (!same_bits(out[i], want)) record(t, i, x[i], dy[i], out[i], want);
    }
    t.checked += whole;
  }
}

void sweep_chunk(const std::vector<float>& x, const std::vector<float>& dy,
                 std::vector<float>& out) {
  std::apply(
      [&](auto... kernel) {
        (
            [&](auto k) {
              using Kernel = decltype(k);
              for (float slope : slopes_of(Kernel::slope)) {
                const std::string slope_name =
                    Kernel::slope == slope_kind::none ? "" : slope_text(slope);
                for_each_arch([&](auto arch) {
                  sweep_kernel<Kernel, decltype(arch)>(x, dy, out, slope, slope_name.c_str());
                });
              }
            }(kernel),
            ...);
      },
      elementwise_kernels{});
  for_each_arch([&](auto arch) { sweep_prelu<decltype(arch)>(x, dy, out); });
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t stride = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 41;
  if (stride == 0 || stride > (std::uint64_t(1) << 32)) {
    std::fprintf(stderr, "usage: %s [stride], 1 <= stride <= 2^32\n", argv[0]);
    return 2;
  }
  const std::uint64_t patterns = ((std::uint64_t(1) << 32) + stride - 1) / stride;
  const std::vector<float> dys = dy_set();
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::printf(
      "sampled sweep: one in every %llu float bit patterns, %llu patterns, and %zu special "
      "values\n",
      static_cast<unsigned long long>(stride), static_cast<unsigned long long>(patterns),
      special_values<float>().size());
  std::fflush(stdout);

  std::vector<float> x, dy, out(kChunk);
  std::uint64_t next_dy = 0;
  const auto fill_dy = [&] {
    dy.resize(x.size());
    for (float& value : dy) value = dys[next_dy++ % dys.size()];
  };
  x = special_values<float>();
  fill_dy();
  sweep_chunk(x, dy, out);

  std::uint64_t done = 0, next_report = patterns / 10;
  while (done < patterns) {
    const std::size_t count =
        static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, patterns - done));
    x.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      x[i] = from_bits<float>(static_cast<std::uint32_t>((done + i) * stride));
    }
    fill_dy();
    sweep_chunk(x, dy, out);
    done += count;
    if (done >= next_report || done == patterns) {
      std::printf("sampled sweep: %3d%% (%llu of %llu patterns), %.0f s\n",
                  static_cast<int>(100 * done / patterns), static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(patterns), seconds());
      std::fflush(stdout);
      next_report += patterns / 10;
    }
  }

  std::uint64_t mismatches = 0, checked = 0;
  for (const auto& [name, t] : tallies) {
    std::printf("%-60s %llu inputs, %llu mismatches%s%s\n", name.c_str(),
                static_cast<unsigned long long>(t.checked),
                static_cast<unsigned long long>(t.mismatches),
                t.first.empty() ? "" : "; first: ", t.first.c_str());
    mismatches += t.mismatches;
    checked += t.checked;
  }
  std::printf("sampled sweep: %zu kernel runs, %llu results checked, %llu mismatches, %.0f s\n",
              tallies.size(), static_cast<unsigned long long>(checked),
              static_cast<unsigned long long>(mismatches), seconds());
  return mismatches == 0 ? 0 : 1;
}
