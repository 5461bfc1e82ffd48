#pragma once
// Checks made once at the API boundary, before any output byte is written. Each failure throws
// std::invalid_argument naming the function and the sizes involved.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>

#include "config.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail {

// A span as the checks see it: its name in the API, its address range, its element count.
struct buffer {
  const char* name;
  const void* data;
  std::size_t size;
  std::size_t bytes;

  template <class T>
  buffer(const char* name_, std::span<T> s) noexcept
      : name(name_), data(s.data()), size(s.size()), bytes(s.size_bytes()) {}
};

template <class... Parts>
[[noreturn]] inline void fail(const char* function, const Parts&... parts) {
  std::ostringstream message;
  message << "rectify::" << function << ": ";
  (message << ... << parts);
  throw std::invalid_argument(message.str());
}

inline void require_same_size(const char* function, const buffer& a, const buffer& b) {
  if (a.size != b.size) {
    fail(function, a.name, " has ", a.size, " elements but ", b.name, " has ", b.size,
         "; they must have the same size");
  }
}

inline bool overlap(const buffer& a, const buffer& b) noexcept {
  const auto a0 = reinterpret_cast<std::uintptr_t>(a.data);
  const auto b0 = reinterpret_cast<std::uintptr_t>(b.data);
  return a.bytes != 0 && b.bytes != 0 && a0 < b0 + b.bytes && b0 < a0 + a.bytes;
}

// An output may be the very same buffer as a data input (in place), never a part of one.
inline void require_same_or_disjoint(const char* function, const buffer& out, const buffer& in) {
  if (overlap(out, in) && !(out.data == in.data && out.bytes == in.bytes)) {
    fail(function, out.name, " (", out.size, " elements) partly overlaps ", in.name, " (", in.size,
         " elements); pass the very same buffer to work in place, or separate buffers");
  }
}

// Parameters (PReLU's w and dw) share no byte with any other buffer.
inline void require_disjoint(const char* function, const buffer& a, const buffer& b) {
  if (overlap(a, b)) {
    fail(function, a.name, " (", a.size, " elements) overlaps ", b.name, " (", b.size,
         " elements); they must be separate buffers");
  }
}

inline void require_prelu_layout(const char* function, std::size_t size, std::size_t channels,
                                 std::size_t inner) {
  if (channels == 0) {
    fail(function, "w is empty; PReLU needs one slope per channel, or one shared slope");
  }
  if (inner == 0) {
    fail(function, "inner is 0; it must be at least 1 (1 for channels-last, H*W for NCHW)");
  }
  if (inner > std::numeric_limits<std::size_t>::max() / channels) {
    fail(function, "C * inner overflows: C = w.size() = ", channels, ", inner = ", inner);
  }
  if (size % (channels * inner) != 0) {
    fail(function, "x has ", size, " elements, not a multiple of C * inner = ", channels, " * ",
         inner, " = ", channels * inner);
  }
}

template <class T>
inline void require_nonnegative_slope(const char* function, T negative_slope) {
  if (!(negative_slope >= T(0))) {
    fail(function, "negative_slope = ", negative_slope,
         " is refused: the input cannot be recovered from the output unless the slope is >= 0; "
         "keep x and call leaky_relu_backward instead");
  }
}

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE::detail
