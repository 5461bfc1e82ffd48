#pragma once
// Buffers for proving that a call touches no byte outside the spans it was given. Each buffer
// lives on pages of its own with an inaccessible page (PROT_NONE) on either side, and the span
// handed out is placed flush against one of them: against the end, any read or write past the
// last element faults; against the start, any access before the first element faults. Every
// other byte of the pages holds a fill pattern, checked afterwards, which catches writes that
// stay within the pages. A fault prints the call being made and ends the test run.

#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>

namespace testing {

enum class flush { end, start };

// What the test is calling, printed if it faults. A fixed buffer: the signal handler may only
// write(2) it.
inline char current_call[512] = "(nothing)";

template <class... Args>
void describe_call(const char* format, Args... args) {
  std::snprintf(current_call, sizeof current_call, format, args...);
}

// Installs, for its lifetime, a SIGSEGV / SIGBUS handler that names the faulting call and then
// lets the signal take its default course (a crash, which ctest reports as a failure).
class fault_reporter {
 public:
  fault_reporter() {
    struct sigaction action {};
    action.sa_handler = &report;
    sigemptyset(&action.sa_mask);
    action.sa_flags = static_cast<int>(SA_RESETHAND);
    sigaction(SIGSEGV, &action, &old_segv_);
    sigaction(SIGBUS, &action, &old_bus_);
  }
  ~fault_reporter() {
    sigaction(SIGSEGV, &old_segv_, nullptr);
    sigaction(SIGBUS, &old_bus_, nullptr);
  }
  fault_reporter(const fault_reporter&) = delete;
  fault_reporter& operator=(const fault_reporter&) = delete;

 private:
  static void report(int) {
    const char prefix[] = "\nguard page hit (an access outside the spans) during: ";
    [[maybe_unused]] ssize_t written = write(2, prefix, sizeof prefix - 1);
    written = write(2, current_call, std::strlen(current_call));
    written = write(2, "\n", 1);
    // SA_RESETHAND restored the default action: returning re-runs the access, which faults again.
  }
  struct sigaction old_segv_ {};
  struct sigaction old_bus_ {};
};

template <class T>
class fenced_buffer {
 public:
  static constexpr unsigned char kFill = 0xa5;

  explicit fenced_buffer(std::size_t capacity) {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    data_bytes_ = (capacity * sizeof(T) + page_ - 1) / page_ * page_;
    if (data_bytes_ == 0) data_bytes_ = page_;
    void* p = mmap(nullptr, data_bytes_ + 2 * page_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap failed");
    base_ = static_cast<unsigned char*>(p);
    if (mprotect(base_, page_, PROT_NONE) != 0 ||
        mprotect(base_ + page_ + data_bytes_, page_, PROT_NONE) != 0) {
      throw std::runtime_error("mprotect failed");
    }
  }
  ~fenced_buffer() { munmap(base_, data_bytes_ + 2 * page_); }
  fenced_buffer(const fenced_buffer&) = delete;
  fenced_buffer& operator=(const fenced_buffer&) = delete;

  // n elements flush against the inaccessible page after (end) or before (start) them, every
  // other byte of the buffer set to the fill pattern.
  std::span<T> place(std::size_t n, flush where) {
    if (n * sizeof(T) > data_bytes_) throw std::length_error("fenced_buffer too small");
    std::memset(data(), kFill, data_bytes_);
    unsigned char* first = where == flush::start ? data() : data() + data_bytes_ - n * sizeof(T);
    placed_ = {reinterpret_cast<T*>(first), n};
    return placed_;
  }
  std::span<T> placed() const { return placed_; }

  // Whether every byte outside the placed span still holds the fill pattern.
  bool outside_untouched() const {
    const auto* first = reinterpret_cast<const unsigned char*>(placed_.data());
    const auto* last = first + placed_.size_bytes();
    for (const unsigned char* b = data(); b < data() + data_bytes_; ++b) {
      if ((b < first || b >= last) && *b != kFill) return false;
    }
    return true;
  }

 private:
  unsigned char* data() const { return base_ + page_; }

  std::size_t page_ = 0;
  std::size_t data_bytes_ = 0;
  unsigned char* base_ = nullptr;
  std::span<T> placed_;
};

}  // namespace testing
