#pragma once
// The data every contestant works on: standard-normal inputs from a fixed seed (half negative,
// like activations after a BatchNorm), 64-byte-aligned buffers allocated and touched once for
// the largest size of the run, and the slopes. All contestants of one size read and write the
// very same addresses, so none of them is favoured by alignment or by pages touched first.

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <random>

namespace bench {

enum class placement { out_of_place, in_place };

inline const char* placement_name(placement where) {
  return where == placement::in_place ? "in_place" : "out_of_place";
}

// PReLU's channel count in the main PReLU rows (channels-first with inner = n / 64, and
// channels-last).
inline constexpr std::size_t kChannels = 64;

// The most channels of any PReLU row (the odd layouts of ops.hpp go past kChannels): the size of
// the slope and slope-gradient arrays.
inline constexpr std::size_t kMaxChannels = 67;

// LeakyReLU's slope out of place: PyTorch's default.
inline constexpr double kLeakySlope = 0.01;

// In place, each timed call works on the previous call's output. With one fixed slope s the
// negative half would shrink by s per call and reach denormals within a few dozen calls, timing
// the FPU's denormal path instead of the kernel. Calls therefore alternate between s and 1/s,
// both powers of two, so the values come back exactly: the slope values do not change the cost.
inline constexpr double kInPlaceSlope = 0.25;

template <class T>
class aligned_buffer {
 public:
  static constexpr std::size_t kAlignment = 64;

  aligned_buffer() = default;
  explicit aligned_buffer(std::size_t n)
      : data_(static_cast<T*>(::operator new[](n * sizeof(T), std::align_val_t(kAlignment)))),
        size_(n) {
    std::fill(data_.get(), data_.get() + n, T(0));  // touch every page now, outside any timing
  }

  T* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }

 private:
  struct release {
    void operator()(T* p) const noexcept { ::operator delete[](p, std::align_val_t(kAlignment)); }
  };
  std::unique_ptr<T, release> data_;
  std::size_t size_ = 0;
};

// One timed call's buffers and parameters. Index [k % 2] of slope and w is what call k uses.
template <class T>
struct problem {
  std::size_t n = 0;
  const T* x = nullptr;   // the first input: x, or y for a backward from the output
  const T* dy = nullptr;  // the second input of a backward, else nullptr
  T* out = nullptr;       // the output; in place, the buffer of the last input
  T slope[2] = {};
  const T* w[2] = {};  // PReLU slopes, `channels` of them
  T* dw = nullptr;     // PReLU's slope gradient, `channels` of them
  std::size_t channels = 0;
  std::size_t inner = 0;
};

// The buffers of one element type, sized once for the largest benchmark of the run.
template <class T>
class workload {
 public:
  static workload& get() {
    static workload instance;
    return instance;
  }

  // Allocates and fills every buffer; called once before anything is timed.
  void reserve(std::size_t n) {
    if (n <= x_.size()) return;
    x_ = aligned_buffer<T>(n);
    dy_ = aligned_buffer<T>(n);
    out_ = aligned_buffer<T>(n);
    expected_ = aligned_buffer<T>(n);
    fill_standard_normal(x_, 20240601);
    fill_standard_normal(dy_, 20240602);
    for (std::size_t c = 0; c < kMaxChannels; ++c) {
      const T slope = T(1) / T(std::size_t{2} << (c % 4));  // 1/2, 1/4, 1/8, 1/16: exact inverses
      w_[c] = slope;
      w_inverse_[c] = T(1) / slope;
    }
  }

  // The problem for an op with `inputs` data inputs (1 or 2) over the first n elements. In
  // place, the output is a fresh copy of the last input (x for a forward or a derivative, dy for
  // a backward, as a training step would overwrite the incoming gradient).
  problem<T> make(std::size_t n, int inputs, placement where, std::size_t channels,
                  std::size_t inner) {
    problem<T> p;
    p.n = n;
    p.x = x_.data();
    p.dy = inputs == 2 ? dy_.data() : nullptr;
    p.out = out_.data();
    p.channels = channels;
    p.inner = inner;
    p.dw = dw_;
    if (where == placement::in_place) {
      const T* last = inputs == 2 ? p.dy : p.x;
      std::copy(last, last + n, p.out);
      (inputs == 2 ? p.dy : p.x) = p.out;
      p.slope[0] = T(kInPlaceSlope);
      p.slope[1] = T(1 / kInPlaceSlope);
      p.w[0] = w_;
      p.w[1] = w_inverse_;
    } else {
      p.slope[0] = p.slope[1] = T(kLeakySlope);
      p.w[0] = p.w[1] = w_;
    }
    return p;
  }

  // The pristine inputs and a second output, for the correctness check.
  const T* x() const noexcept { return x_.data(); }
  const T* dy() const noexcept { return dy_.data(); }
  T* expected() const noexcept { return expected_.data(); }
  T* expected_dw() noexcept { return expected_dw_; }

 private:
  static void fill_standard_normal(aligned_buffer<T>& buffer, unsigned seed) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<T> normal(T(0), T(1));
    std::generate(buffer.data(), buffer.data() + buffer.size(), [&] { return normal(engine); });
  }

  aligned_buffer<T> x_, dy_, out_, expected_;
  T w_[kMaxChannels] = {};
  T w_inverse_[kMaxChannels] = {};
  T dw_[kMaxChannels] = {};
  T expected_dw_[kMaxChannels] = {};
};

}  // namespace bench
