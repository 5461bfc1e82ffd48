// What the machine allows rectify, measured beside hand-written AVX-512 loops in the same run:
//
//   memory_limits [--repeats R] [--dram N] [--edge N,N,...]
//
// 1. From memory (N floats, default 16M: 64 MiB in, 64 MiB out): memcpy, a hand-written ReLU
//    loop with streaming stores (the form of the fastest kernel for this case), the same loop with
//    ordinary stores, and rectify::relu_forward. The benchmark's target for such sizes is a
//    ratio to memcpy; this shows which ratio the hand-written loop reaches on this machine today.
// 2. At the edge of the L1 data cache (doubles, default 2K to 8K: 32 to 128 KiB in and out):
//    LeakyReLU's forward by rectify and by three hand-written loops: one vector per iteration,
//    four per iteration, and the instruction sequence Eigen 3.4 compiles `(x > 0).select(x, x * s)`
//    to (two compares, a zero-masked product, a masked move).
//
// Each figure is a median over R rounds (default 15); in each round every contestant runs once,
// in a fixed order, as many calls as fill about 20 ms, so that a noisy machine disturbs them
// alike. Buffers are 64-byte aligned and written before timing. GB/s counts the bytes read and
// written.

#include <rectify/rectify.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace {

template <class T>
struct aligned_buffer {
  explicit aligned_buffer(std::size_t n)
      : data(static_cast<T*>(::operator new[](n * sizeof(T), std::align_val_t(64)))) {}
  ~aligned_buffer() { ::operator delete[](data, std::align_val_t(64)); }
  aligned_buffer(const aligned_buffer&) = delete;
  aligned_buffer& operator=(const aligned_buffer&) = delete;
  T* data;
};

// One contestant: its call and the seconds per call measured in each round.
struct contestant {
  const char* name;
  std::function<void()> call;
  std::vector<double> seconds;
};

// `repeats` rounds; in each, every contestant makes as many calls as fill about 20 ms.
void time_round_robin(std::vector<contestant>& all, int repeats) {
  using clock = std::chrono::steady_clock;
  std::vector<long> calls(all.size(), 1);
  for (std::size_t k = 0; k < all.size(); ++k) {  // warm up and size each contestant's batch
    const auto start = clock::now();
    all[k].call();
    const double once = std::chrono::duration<double>(clock::now() - start).count();
    calls[k] = std::max(1L, static_cast<long>(0.02 / std::max(once, 1e-9)));
  }
  for (int r = 0; r < repeats; ++r) {
    for (std::size_t k = 0; k < all.size(); ++k) {
      const auto start = clock::now();
      for (long c = 0; c < calls[k]; ++c) all[k].call();
      all[k].seconds.push_back(std::chrono::duration<double>(clock::now() - start).count() /
                               static_cast<double>(calls[k]));
    }
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

#if defined(__AVX512F__)
void relu_streaming_loop(const float* x, float* y, std::size_t n) {
  const __m512 zero = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512 a = _mm512_load_ps(x + i), b = _mm512_load_ps(x + i + 16);
    const __m512 c = _mm512_load_ps(x + i + 32), d = _mm512_load_ps(x + i + 48);
    _mm512_stream_ps(y + i, _mm512_max_ps(zero, a));
    _mm512_stream_ps(y + i + 16, _mm512_max_ps(zero, b));
    _mm512_stream_ps(y + i + 32, _mm512_max_ps(zero, c));
    _mm512_stream_ps(y + i + 48, _mm512_max_ps(zero, d));
  }
  _mm_sfence();
  for (; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
}

void relu_cached_loop(const float* x, float* y, std::size_t n) {
  const __m512 zero = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_store_ps(y + i, _mm512_max_ps(zero, _mm512_load_ps(x + i)));
  for (; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
}

// n is a multiple of 32 in the edge sizes.
void leaky_one_vector(const double* x, double* y, std::size_t n, double s) {
  const __m512d slope = _mm512_set1_pd(s), zero = _mm512_setzero_pd();
  for (std::size_t i = 0; i < n; i += 8) {
    const __m512d v = _mm512_loadu_pd(x + i);
    const __mmask8 positive = _mm512_cmp_pd_mask(v, zero, _CMP_GT_OQ);
    _mm512_storeu_pd(y + i, _mm512_mask_blend_pd(positive, _mm512_mul_pd(v, slope), v));
  }
}

void leaky_four_vectors(const double* x, double* y, std::size_t n, double s) {
  const __m512d slope = _mm512_set1_pd(s), zero = _mm512_setzero_pd();
  for (std::size_t i = 0; i < n; i += 32) {
    __m512d v[4];
    for (int u = 0; u < 4; ++u) v[u] = _mm512_loadu_pd(x + i + 8 * u);
    for (int u = 0; u < 4; ++u) {
      const __mmask8 positive = _mm512_cmp_pd_mask(v[u], zero, _CMP_GT_OQ);
      v[u] = _mm512_mask_blend_pd(positive, _mm512_mul_pd(v[u], slope), v[u]);
    }
    for (int u = 0; u < 4; ++u) _mm512_storeu_pd(y + i + 8 * u, v[u]);
  }
}

void leaky_eigen_sequence(const double* x, double* y, std::size_t n, double s) {
  const __m512d slope = _mm512_set1_pd(s), zero = _mm512_setzero_pd();
  for (std::size_t i = 0; i < n; i += 8) {
    const __m512d v = _mm512_loadu_pd(x + i);
    __m512d r = _mm512_maskz_mul_pd(_mm512_cmp_pd_mask(v, zero, _CMP_NGT_UQ), v, slope);
    r = _mm512_mask_mov_pd(r, _mm512_cmp_pd_mask(zero, v, _CMP_LT_OQ), v);
    _mm512_storeu_pd(y + i, r);
  }
}
#endif

std::vector<std::size_t> parse_sizes(std::string_view text) {
  std::vector<std::size_t> sizes;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string item(text.substr(0, comma));
    char* end = nullptr;
    const unsigned long long value = std::strtoull(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value == 0 || value % 32 != 0) {
      std::fprintf(stderr, "memory_limits: '%s' is not a size (a positive multiple of 32)\n",
                   item.c_str());
      std::exit(2);
    }
    sizes.push_back(static_cast<std::size_t>(value));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
#if !defined(__AVX512F__)
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "memory_limits compares rectify with AVX-512 loops: build it with AVX-512 "
                       "enabled (RECTIFY_TOOLS_ARCH_FLAGS=-march=native on such a machine)\n");
  return 1;
#else
  int repeats = 15;
  std::vector<std::size_t> dram = {std::size_t(16) << 20};
  std::vector<std::size_t> edge = {2048, 3072, 4096, 6144, 8192};
  for (int a = 1; a < argc; ++a) {
    const std::string_view arg = argv[a];
    if (arg == "--repeats" && a + 1 < argc) {
      repeats = std::max(1, std::atoi(argv[++a]));
    } else if (arg == "--dram" && a + 1 < argc) {
      dram = parse_sizes(argv[++a]);
    } else if (arg == "--edge" && a + 1 < argc) {
      edge = parse_sizes(argv[++a]);
    } else {
      std::fprintf(stderr, "usage: memory_limits [--repeats R] [--dram N] [--edge N,N,...]\n");
      return 2;
    }
  }
  std::mt19937 generator(1);
  std::normal_distribution<double> normal;

  std::printf("From memory: float, out of place, median of %d rounds\n", repeats);
  for (const std::size_t n : dram) {
    aligned_buffer<float> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) x.data[i] = static_cast<float>(normal(generator));
    std::memset(y.data, 0, n * sizeof(float));
    const std::span<const float> in(x.data, n);
    const std::span<float> out(y.data, n);
    std::vector<contestant> all = {
        {"memcpy", [&] { std::memcpy(y.data, x.data, n * sizeof(float)); }, {}},
        {"hand loop, streaming stores", [&] { relu_streaming_loop(x.data, y.data, n); }, {}},
        {"hand loop, ordinary stores", [&] { relu_cached_loop(x.data, y.data, n); }, {}},
        {"rectify::relu_forward", [&] { rectify::relu_forward(in, out); }, {}},
    };
    time_round_robin(all, repeats);
    const double bytes = 2.0 * static_cast<double>(n * sizeof(float));
    const double base = bytes / median(all[0].seconds);
    for (const contestant& c : all) {
      const double rate = bytes / median(c.seconds);
      std::printf("  n = %zu  %-30s %7.1f GB/s  %.2fx memcpy\n", n, c.name, rate / 1e9,
                  rate / base);
    }
  }

  std::printf("\nAt the edge of L1: LeakyReLU forward, double, out of place, median of %d rounds\n",
              repeats);
  for (const std::size_t n : edge) {
    aligned_buffer<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) x.data[i] = normal(generator);
    std::memset(y.data, 0, n * sizeof(double));
    const std::span<const double> in(x.data, n);
    const std::span<double> out(y.data, n);
    const double s = 0.01;
    std::vector<contestant> all = {
        {"rectify::leaky_relu_forward", [&] { rectify::leaky_relu_forward(in, out, s); }, {}},
        {"hand loop, one vector", [&] { leaky_one_vector(x.data, y.data, n, s); }, {}},
        {"hand loop, four vectors", [&] { leaky_four_vectors(x.data, y.data, n, s); }, {}},
        {"Eigen's instruction sequence", [&] { leaky_eigen_sequence(x.data, y.data, n, s); }, {}},
    };
    time_round_robin(all, repeats);
    std::printf("  n = %zu (%zu KiB in and out):", n, 2 * n * sizeof(double) / 1024);
    for (const contestant& c : all) std::printf("  %s %.0f ns", c.name, median(c.seconds) * 1e9);
    std::printf("\n");
  }
  return 0;
#endif
}
