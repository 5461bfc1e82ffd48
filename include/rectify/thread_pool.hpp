#pragma once
// A small pool of threads that runs parallel_for calls: the portable executor rectify uses when
// OpenMP is not enabled, and one a program can size for itself (rectify::thread_pool pool(4)).
//
// The calling thread works too, and the work is handed out in pieces claimed one at a time, so a
// worker that is slow to wake (a busy machine, a forked child whose workers are gone) delays
// nothing: the threads that are running take its share. One parallel_for runs at a time; a call
// made while the pool is busy, from another thread or from inside a piece, runs on its own
// thread instead of waiting, so nested and concurrent calls can never deadlock.

#include "config.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "executor.hpp"

namespace rectify::inline RECTIFY_TARGET_NAMESPACE {

class thread_pool {
 public:
  // `threads` counts every thread that runs pieces, the calling one included, so thread_pool(1)
  // starts no thread at all; 0 means one per hardware thread.
  explicit thread_pool(std::size_t threads = 0) {
    const std::size_t total = threads != 0 ? threads : hardware_threads();
    workers_.reserve(total - 1);
    try {
      for (std::size_t t = 1; t < total; ++t) {
        workers_.emplace_back([this] { work_until_stopped(); });
      }
    } catch (...) {
      stop();
      throw;
    }
  }
  ~thread_pool() { stop(); }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  // Threads that run pieces of one parallel_for, the calling thread included.
  std::size_t size() const noexcept { return workers_.size() + 1; }

  // Calls fn over disjoint ranges covering [0, count), each of at least `grain` indices (one
  // range of all of them when count is smaller), and returns when all have returned.
  void parallel_for(std::size_t count, std::size_t grain, range_function fn) {
    const std::size_t pieces =
        std::min(count / std::max<std::size_t>(grain, 1), size() * kPiecesPerThread);
    if (pieces < 2) {
      if (count != 0) fn(0, count);
      return;
    }
    if (busy_.exchange(true, std::memory_order_acquire)) {
      fn(0, count);
      return;
    }
    struct release_on_exit {
      std::atomic<bool>& busy;
      ~release_on_exit() { busy.store(false, std::memory_order_release); }
    } release{busy_};
    job current{fn, count, pieces};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &current;
      ++generation_;
    }
    wake_.notify_all();
    run_pieces(current);
    std::unique_lock<std::mutex> lock(mutex_);
    // Every piece has been claimed; wait for the workers still running one. A worker that wakes
    // after job_ is cleared finds nothing to do.
    idle_.wait(lock, [this] { return active_ == 0; });
    job_ = nullptr;
  }

  // The pool rectify::par uses without OpenMP: created on first use with one thread per hardware
  // thread, and never destroyed, so a parallel call made while static objects are being
  // destroyed at exit still finds it.
  static thread_pool& shared() {
    static thread_pool* pool = new thread_pool();
    return *pool;
  }

 private:
  // A few pieces per thread: enough that the threads that run take over the share of one that
  // does not, few enough that each piece is a long contiguous stream.
  static constexpr std::size_t kPiecesPerThread = 4;

  struct job {
    range_function fn;
    std::size_t count;
    std::size_t pieces;
    std::atomic<std::size_t> next{0};
  };

  static std::size_t hardware_threads() noexcept {
    return std::max<std::size_t>(1, std::thread::hardware_concurrency());
  }

  static void run_pieces(job& j) noexcept {
    for (;;) {
      const std::size_t piece = j.next.fetch_add(1, std::memory_order_relaxed);
      if (piece >= j.pieces) return;
      // Pieces differ in length by at most one index, the longer ones first.
      const std::size_t base = j.count / j.pieces, longer = j.count % j.pieces;
      const std::size_t begin = piece * base + std::min(piece, longer);
      j.fn(begin, begin + base + (piece < longer ? 1 : 0));
    }
  }

  void work_until_stopped() noexcept {
    std::uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      job* j = job_;
      if (j == nullptr) continue;
      ++active_;
      lock.unlock();
      run_pieces(*j);
      lock.lock();
      if (--active_ == 0) idle_.notify_one();
    }
  }

  void stop() noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
  }

  std::atomic<bool> busy_{false};  // one parallel_for at a time
  std::mutex mutex_;               // guards everything below but workers_
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::uint64_t generation_ = 0;
  job* job_ = nullptr;
  std::size_t active_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace rectify::inline RECTIFY_TARGET_NAMESPACE
