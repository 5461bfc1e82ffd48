// Differential fuzz target. Each input decodes into one call of the public API: the op, the
// direction, the element type, the size, where each buffer starts relative to a 64-byte vector,
// whether the output is one of the inputs, the slope or PReLU's weights and layout, and the data.
// The call runs on every instruction set compiled in (tests/arches.hpp) and aborts when
//   - an output element differs in any bit from the scalar reference (tests/reference.hpp), but
//     for the one case docs/semantics.md leaves open (the payload of a NaN times a NaN),
//   - PReLU's dw leaves the error bound of docs/semantics.md around a long double sum,
//   - a call the rules refuse is accepted, or the reverse, or a refused call changed a byte,
//   - any byte outside the outputs changed (inputs, sentinels before each buffer),
//   - AddressSanitizer sees a kernel touch a byte outside a buffer: each buffer ends exactly where
//     its allocation ends, and the bytes before its start are poisoned,
//   - or UndefinedBehaviorSanitizer reports anything.
//
// The input, read front to back (bytes past its end read as 0):
//   byte 0     flags: bit 0 the element type (float, double); bits 1-2 the in-place mode (none,
//              over x, over dy); bit 3 asks PReLU for a size that is not a multiple of C * inner
//   byte 1     op: relu, relu6, leaky_relu, prelu (modulo 4)
//   byte 2     direction: forward, derivative, backward, backward_from_output (PReLU: first 3)
//   byte 3     offsets in elements, modulo one 64-byte vector: x (low 4 bits), output (high 4)
//   byte 4     offsets: dy (low 4 bits), w (high 4 bits)
//   bytes 5-6  size, little-endian: the element count modulo 1025, or PReLU's outer modulo 65
//   bytes 7-8  PReLU's channel count C = 1 + value % 300
//   bytes 9-10 PReLU's inner = 1 + value % 128
//   then the values, as input_reader::value reads them: the slope, PReLU's w, x, then dy.
// fuzz/make_seed_corpus.py writes the seed corpus in this format.

#include <sanitizer/asan_interface.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <rectify/rectify.hpp>

#include "arches.hpp"
#include "reference.hpp"
#include "values.hpp"

namespace {

using testing::describe;
using testing::same_bits;

enum class op : std::uint8_t { relu, relu6, leaky_relu, prelu };
enum class direction : std::uint8_t { forward, derivative, backward, backward_from_output };
enum class in_place : std::uint8_t { no, over_first_input, over_second_input };

const char* const op_names[] = {"relu", "relu6", "leaky_relu", "prelu"};
const char* const direction_names[] = {"forward", "derivative", "backward", "backward_from_output"};

// Every buffer start is taken modulo the widest vector, so each misalignment of every ISA occurs.
constexpr std::size_t kVectorBytes = 64;
// Sizes reach past PReLU's 256-element slope pattern and many unrolled blocks of every ISA.
constexpr std::size_t kMaxElementwiseSize = 1024;
constexpr std::size_t kMaxPreluSize = 8192;
constexpr std::size_t kMaxChannels = 300;
constexpr std::size_t kMaxInner = 128;

class input_reader {
 public:
  input_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  bool exhausted() const { return position_ >= size_; }
  std::uint8_t byte() { return exhausted() ? 0 : data_[position_++]; }
  std::uint16_t u16() {
    const unsigned low = byte();
    const unsigned high = byte();
    return static_cast<std::uint16_t>(low | high << 8);
  }

  // One value: a selector byte, then for raw values the bits, little-endian. Selectors below 64
  // name a special value (zeros, infinities, NaNs with payloads, denormals, 6 and its
  // neighbours...), 64 to 127 a multiple of 1/4 in [-8, 7.75], from 128 the raw bits follow.
  template <class T>
  bool value(T& out) {
    if (exhausted()) return false;
    const std::uint8_t selector = byte();
    if (selector < 64) {
      static const std::vector<T> specials = testing::special_values<T>();
      out = specials[selector % specials.size()];
    } else if (selector < 128) {
      out = T(selector - 96) * T(0.25);
    } else {
      testing::bits_t<T> bits = 0;
      for (std::size_t k = 0; k < sizeof(T); ++k) {
        bits |= static_cast<testing::bits_t<T>>(byte()) << (8 * k);
      }
      out = testing::from_bits<T>(bits);
    }
    return true;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

// One decoded call. Data inputs are x (or y for the backward from the output) and dy.
template <class T>
struct fuzz_call {
  op operation;
  direction dir;
  in_place mode;
  std::size_t x_offset, dy_offset, out_offset, w_offset;  // in elements, within 64 bytes
  T slope;
  std::vector<T> w;
  std::size_t inner;
  std::vector<T> x, dy;

  int data_inputs() const {
    return dir == direction::backward || dir == direction::backward_from_output ? 2 : 1;
  }
  bool has_slope_gradient() const { return operation == op::prelu && dir == direction::backward; }
  std::string function() const {
    return std::string(op_names[static_cast<int>(operation)]) + "_" +
           direction_names[static_cast<int>(dir)];
  }
  // The rules of "Bad input" in docs/semantics.md that a decoded call can break.
  bool must_be_refused() const {
    if (operation == op::leaky_relu && dir == direction::backward_from_output) {
      return !(slope >= T(0));
    }
    if (operation == op::prelu) return x.size() % (w.size() * inner) != 0;
    return false;
  }
  T slope_of(std::size_t i) const {
    return operation == op::prelu ? reference::prelu_slope(std::span<const T>(w), inner, i) : slope;
  }
  T expected(std::size_t i) const {
    const T s = slope_of(i), a = x[i], g = dy[i];
    switch (operation) {
      case op::relu:
        switch (dir) {
          case direction::forward:
            return reference::relu_forward(a);
          case direction::derivative:
            return reference::relu_derivative(a);
          case direction::backward:
            return reference::relu_backward(a, g);
          case direction::backward_from_output:
            return reference::relu_backward_from_output(a, g);
        }
        break;
      case op::relu6:
        switch (dir) {
          case direction::forward:
            return reference::relu6_forward(a);
          case direction::derivative:
            return reference::relu6_derivative(a);
          case direction::backward:
            return reference::relu6_backward(a, g);
          case direction::backward_from_output:
            return reference::relu6_backward_from_output(a, g);
        }
        break;
      case op::leaky_relu:
      case op::prelu:
        switch (dir) {
          case direction::forward:
            return reference::leaky_relu_forward(a, s);
          case direction::derivative:
            return reference::leaky_relu_derivative(a, s);
          case direction::backward:
            return reference::leaky_relu_backward(a, g, s);
          case direction::backward_from_output:
            return reference::leaky_relu_backward_from_output(a, g, s);
        }
        break;
    }
    std::abort();
  }
  // Where the result is the product of two NaNs (a NaN slope times a NaN x or dy), IEEE 754 leaves
  // open whose payload the NaN carries, and compilers swap the operands of a multiplication
  // freely; any NaN that carries one of the two payloads, quieted, is the right answer there.
  bool is_product_of_two_nans(std::size_t i) const {
    if (operation != op::leaky_relu && operation != op::prelu) return false;
    if (!std::isnan(slope_of(i)) || x[i] > T(0)) return false;
    if (dir == direction::forward) return std::isnan(x[i]);
    if (dir == direction::backward || dir == direction::backward_from_output) {
      return std::isnan(dy[i]);
    }
    return false;
  }
  bool acceptable(std::size_t i, T got) const {
    if (same_bits(got, expected(i))) return true;
    if (!is_product_of_two_nans(i)) return false;
    const T other = dir == direction::forward ? x[i] : dy[i];
    return same_bits(got, quieted(slope_of(i))) || same_bits(got, quieted(other));
  }
  static T quieted(T nan) {
    return testing::from_bits<T>(testing::to_bits(nan) |
                                 (testing::bits_t<T>(1) << (std::numeric_limits<T>::digits - 2)));
  }
  std::string describe_call() const {
    char text[256];
    std::snprintf(text, sizeof text,
                  "%s<%s> n=%zu offsets x=%zu dy=%zu out=%zu w=%zu in_place=%d slope=%s C=%zu "
                  "inner=%zu",
                  function().c_str(), sizeof(T) == 4 ? "float" : "double", x.size(), x_offset,
                  dy_offset, out_offset, w_offset, static_cast<int>(mode), describe(slope).c_str(),
                  w.size(), inner);
    return text;
  }
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "rectify differential fuzzer: %s\n", what.c_str());
  std::abort();
}

template <class T>
T sentinel() {
  if constexpr (sizeof(T) == 4) {
    return testing::from_bits<T>(0x7fa5a5a5u);
  } else {
    return testing::from_bits<T>(0x7ff5a5a5a5a5a5a5ull);
  }
}

// `size` elements that start `offset` elements into a 64-byte aligned allocation which ends
// exactly where they end, so AddressSanitizer reports the first byte touched past the end. The
// elements before the start hold a sentinel, and the whole 8-byte granules among them are
// poisoned (ASan cannot poison the start of a granule whose end is addressable).
template <class T>
class exact_buffer {
 public:
  exact_buffer(std::size_t offset, std::span<const T> contents)
      : offset_(offset), size_(contents.size()), bytes_((offset + size_) * sizeof(T)) {
    storage_ = static_cast<T*>(::operator new(bytes_ == 0 ? 1 : bytes_, alignment));
    for (std::size_t j = 0; j < offset_; ++j) storage_[j] = sentinel<T>();
    if (size_ != 0) std::memcpy(storage_ + offset_, contents.data(), size_ * sizeof(T));
    ASAN_POISON_MEMORY_REGION(storage_, poisoned_bytes());
  }
  exact_buffer(std::size_t offset, std::size_t size)
      : exact_buffer(offset, std::vector<T>(size, sentinel<T>())) {}
  exact_buffer(const exact_buffer&) = delete;
  exact_buffer& operator=(const exact_buffer&) = delete;
  ~exact_buffer() {
    ASAN_UNPOISON_MEMORY_REGION(storage_, poisoned_bytes());
    ::operator delete(storage_, alignment);
  }

  std::span<T> span() const { return {storage_ + offset_, size_}; }
  bool prefix_intact() const {
    ASAN_UNPOISON_MEMORY_REGION(storage_, poisoned_bytes());
    bool intact = true;
    for (std::size_t j = 0; j < offset_; ++j)
      intact = intact && same_bits(storage_[j], sentinel<T>());
    ASAN_POISON_MEMORY_REGION(storage_, poisoned_bytes());
    return intact;
  }
  // Whether the elements still hold exactly `contents`.
  bool holds(std::span<const T> contents) const {
    return size_ == 0 || std::memcmp(storage_ + offset_, contents.data(), size_ * sizeof(T)) == 0;
  }

 private:
  static constexpr std::align_val_t alignment{kVectorBytes};
  std::size_t poisoned_bytes() const { return offset_ * sizeof(T) / 8 * 8; }

  std::size_t offset_, size_, bytes_;
  T* storage_;
};

// Runs the decoded call through the public API of one instruction set.
template <class Arch, class T>
void invoke(const fuzz_call<T>& c, std::span<const T> x, std::span<const T> dy, std::span<T> out,
            std::span<const T> w, std::span<T> dw) {
  const T s = c.slope;
  switch (c.operation) {
    case op::relu:
      switch (c.dir) {
        case direction::forward:
          return rectify::relu_forward<Arch>(x, out);
        case direction::derivative:
          return rectify::relu_derivative<Arch>(x, out);
        case direction::backward:
          return rectify::relu_backward<Arch>(x, dy, out);
        case direction::backward_from_output:
          return rectify::relu_backward_from_output<Arch>(x, dy, out);
      }
      break;
    case op::relu6:
      switch (c.dir) {
        case direction::forward:
          return rectify::relu6_forward<Arch>(x, out);
        case direction::derivative:
          return rectify::relu6_derivative<Arch>(x, out);
        case direction::backward:
          return rectify::relu6_backward<Arch>(x, dy, out);
        case direction::backward_from_output:
          return rectify::relu6_backward_from_output<Arch>(x, dy, out);
      }
      break;
    case op::leaky_relu:
      switch (c.dir) {
        case direction::forward:
          return rectify::leaky_relu_forward<Arch>(x, out, s);
        case direction::derivative:
          return rectify::leaky_relu_derivative<Arch>(x, out, s);
        case direction::backward:
          return rectify::leaky_relu_backward<Arch>(x, dy, out, s);
        case direction::backward_from_output:
          return rectify::leaky_relu_backward_from_output<Arch>(x, dy, out, s);
      }
      break;
    case op::prelu:
      switch (c.dir) {
        case direction::forward:
          return rectify::prelu_forward<Arch>(x, out, w, c.inner);
        case direction::derivative:
          return rectify::prelu_derivative<Arch>(x, out, w, c.inner);
        case direction::backward:
          return rectify::prelu_backward<Arch>(x, dy, out, w, dw, c.inner);
        case direction::backward_from_output:
          break;  // PReLU has none; never decoded
      }
      break;
  }
  std::abort();
}

// dw[c] against the long double sum of its terms, within the bound of docs/semantics.md
// m * eps(T) * sum|x * dy| + m * denorm_min(T). A NaN term, or infinite terms of both signs, make
// the exact sum NaN and dw must be NaN. Where the terms are large enough that a product or a
// partial sum may overflow T, an infinite or NaN dw is accepted too, but a finite one must still
// be within the bound.
template <class T>
void check_slope_gradient(const fuzz_call<T>& c, std::span<const T> dw, const char* arch) {
  using lim = std::numeric_limits<T>;
  const std::size_t n = c.x.size(), channels = c.w.size();
  std::vector<long double> exact_sums(channels), finite_magnitudes(channels);
  std::vector<std::size_t> counts(channels);
  std::vector<char> nan_terms(channels);
  for (std::size_t i = 0, channel = 0, run = 0; i < n; ++i) {
    const long double term = reference::prelu_slope_gradient_term(
        static_cast<long double>(c.x[i]), static_cast<long double>(c.dy[i]));
    ++counts[channel];
    nan_terms[channel] = nan_terms[channel] || std::isnan(term);
    exact_sums[channel] += term;
    if (std::isfinite(term)) finite_magnitudes[channel] += std::fabs(term);
    if (++run == c.inner) {
      run = 0;
      channel = channel + 1 == channels ? 0 : channel + 1;
    }
  }
  for (std::size_t channel = 0; channel < channels; ++channel) {
    const long double exact = exact_sums[channel], finite_magnitude = finite_magnitudes[channel];
    const bool nan_term = nan_terms[channel] != 0;
    const std::size_t m = counts[channel];
    const long double count = static_cast<long double>(m);
    const long double bound = count * lim::epsilon() * finite_magnitude + count * lim::denorm_min();
    const bool may_overflow = finite_magnitude * (1 + 2 * (count + 2) * lim::epsilon()) >=
                              static_cast<long double>(lim::max());
    const T got = dw[channel];
    bool ok;
    if (nan_term || std::isnan(exact)) {
      ok = std::isnan(got);
    } else if (std::isinf(exact)) {
      ok = static_cast<long double>(got) == exact || (may_overflow && std::isnan(got));
    } else if (!std::isfinite(got)) {
      ok = may_overflow;
    } else {
      ok = std::fabs(static_cast<long double>(got) - exact) <= bound;
    }
    if (!ok) {
      char text[256];
      std::snprintf(text, sizeof text,
                    " on %s: dw[%zu] = %s, exact sum %.21Lg, bound %.6Lg over %zu terms", arch,
                    channel, describe(got).c_str(), exact, bound, m);
      fail(c.describe_call() + text);
    }
  }
}

template <class Arch, class T>
void check_on(const fuzz_call<T>& c) {
  const std::size_t n = c.x.size(), channels = c.w.size();
  const char* arch = testing::arch_name<Arch>();
  exact_buffer<T> x(c.x_offset, c.x), dy(c.dy_offset, c.dy), out(c.out_offset, n),
      w(c.w_offset, c.w), dw(0, channels);
  const std::span<T> result = c.mode == in_place::over_first_input    ? x.span()
                              : c.mode == in_place::over_second_input ? dy.span()
                                                                      : out.span();
  std::string refusal;
  try {
    invoke<Arch, T>(c, x.span(), dy.span(), result, w.span(), dw.span());
  } catch (const std::invalid_argument& e) {
    refusal = e.what();
    if (refusal.empty()) refusal = "(empty message)";
  }

  const std::vector<T> untouched_output(n, sentinel<T>()), untouched_dw(channels, sentinel<T>());
  if (!refusal.empty()) {
    if (!c.must_be_refused()) fail(c.describe_call() + " on " + arch + " was refused: " + refusal);
    if (refusal.find("rectify::" + c.function()) == std::string::npos) {
      fail(c.describe_call() + " on " + arch +
           ": the refusal does not name the function: " + refusal);
    }
    const bool unchanged = x.holds(c.x) && dy.holds(c.dy) && out.holds(untouched_output) &&
                           w.holds(c.w) && dw.holds(untouched_dw);
    if (!unchanged) fail(c.describe_call() + " on " + arch + " was refused but changed a byte");
  } else {
    if (c.must_be_refused()) fail(c.describe_call() + " on " + arch + " was accepted");
    for (std::size_t i = 0; i < n; ++i) {
      const T want = c.expected(i);
      if (!c.acceptable(i, result[i])) {
        fail(c.describe_call() + " on " + arch + ": element " + std::to_string(i) + " of x = " +
             describe(c.x[i]) + (c.data_inputs() == 2 ? ", dy = " + describe(c.dy[i]) : "") +
             ", slope " + describe(c.slope_of(i)) + " gave " + describe(result[i]) + ", expected " +
             describe(want));
      }
    }
    const bool inputs_kept = (result.data() == x.span().data() || x.holds(c.x)) &&
                             (result.data() == dy.span().data() || dy.holds(c.dy)) &&
                             (result.data() == out.span().data() || out.holds(untouched_output)) &&
                             w.holds(c.w) && (c.has_slope_gradient() || dw.holds(untouched_dw));
    if (!inputs_kept)
      fail(c.describe_call() + " on " + arch + ": a byte outside the outputs changed");
    if (c.has_slope_gradient()) check_slope_gradient<T>(c, dw.span(), arch);
  }
  if (!x.prefix_intact() || !dy.prefix_intact() || !out.prefix_intact() || !w.prefix_intact()) {
    fail(c.describe_call() + " on " + arch + ": a byte before a buffer changed");
  }
}

// Decodes the rest of the input after the first header byte (the element type).
template <class T>
fuzz_call<T> decode(input_reader& in, std::uint8_t flags) {
  fuzz_call<T> c{};
  c.operation = static_cast<op>(in.byte() % 4);
  c.dir = static_cast<direction>(in.byte() % (c.operation == op::prelu ? 3 : 4));
  c.mode = static_cast<in_place>((flags >> 1) % 4 % (c.data_inputs() + 1));
  const std::size_t lanes = kVectorBytes / sizeof(T);
  const std::uint8_t offsets = in.byte(), more_offsets = in.byte();
  c.x_offset = (offsets & 15u) % lanes;
  c.out_offset = (offsets >> 4) % lanes;
  c.dy_offset = (more_offsets & 15u) % lanes;
  c.w_offset = (more_offsets >> 4) % lanes;
  const std::size_t size = in.u16(), channels = 1 + in.u16() % kMaxChannels,
                    inner = 1 + in.u16() % kMaxInner;
  std::size_t n;
  if (c.operation == op::prelu) {
    c.inner = inner;
    const std::size_t block = channels * inner;
    n = std::min(size % 65, kMaxPreluSize / block) * block;
    // Flag bit 3 asks for a size that is not a multiple of C * inner, which must be refused.
    if ((flags & 8u) != 0 && block > 1) n += 1 + size % (block - 1);
  } else {
    c.inner = 1;
    n = size % (kMaxElementwiseSize + 1);
  }

  // The values: the slope, then w, x, dy; when the input runs out, the values read so far repeat.
  const std::size_t count = 1 + (c.operation == op::prelu ? channels : 0) + 2 * n;
  std::vector<T> values;
  T v;
  while (values.size() < count && in.value(v)) values.push_back(v);
  if (values.empty()) values.push_back(T(0));
  std::size_t next = 0;
  const auto take = [&] {
    const T value = values[next % values.size()];
    ++next;
    return value;
  };
  c.slope = take();
  if (c.operation == op::prelu) {
    c.w.resize(channels);
    for (T& slope : c.w) slope = take();
  }
  c.x.resize(n);
  c.dy.resize(n);
  for (T& value : c.x) value = take();
  for (T& value : c.dy) value = take();
  return c;
}

template <class T>
void fuzz_one(input_reader& in, std::uint8_t flags) {
  const fuzz_call<T> c = decode<T>(in, flags);
  testing::for_each_arch([&](auto arch) { check_on<decltype(arch), T>(c); });
}

}  // namespace

// The library allocates and frees nothing, so AddressSanitizer's quarantine of freed blocks and
// its filling of new ones only cost time here: every input allocates fresh buffers, and with the
// defaults half the run goes to page faults. ASAN_OPTIONS still overrides these.
extern "C" const char* __asan_default_options() {
  return "quarantine_size_mb=4:max_malloc_fill_size=0";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input_reader in(data, size);
  // Flag bit 0 is the element type; bits 1-2 the in-place mode, bit 3 a PReLU size to refuse.
  const std::uint8_t flags = in.byte();
  if ((flags & 1u) == 0) {
    fuzz_one<float>(in, flags);
  } else {
    fuzz_one<double>(in, flags);
  }
  return 0;
}
