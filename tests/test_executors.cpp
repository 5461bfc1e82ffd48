// The executors rectify brings keep the executor contract (executor.hpp): every index of
// [0, count) runs exactly once, in disjoint ranges no shorter than the grain, on no more threads
// than asked for; the thread pool survives nested and concurrent calls.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <rectify/rectify.hpp>
#include "catch.hpp"
#include "executors.hpp"

using namespace testing;

namespace {

// Runs parallel_for over several counts and grains and checks the contract; `threads` is the
// most threads the executor may use.
template <class Executor>
void keeps_the_contract(Executor& executor, std::size_t threads, const std::string& name) {
  for (std::size_t count : {std::size_t(0), std::size_t(1), std::size_t(5), std::size_t(1000)}) {
    for (std::size_t grain : {std::size_t(1), std::size_t(7), std::size_t(2000)}) {
      std::vector<std::atomic<int>> runs(count);
      std::mutex mutex;
      std::vector<std::size_t> lengths;
      std::set<std::thread::id> ids;
      auto fn = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) ++runs[i];
        std::lock_guard<std::mutex> lock(mutex);
        lengths.push_back(end - begin);
        ids.insert(std::this_thread::get_id());
      };
      executor.parallel_for(count, grain, rectify::range_function(fn));
      INFO(name << ", count " << count << ", grain " << grain);
      CHECK(std::all_of(runs.begin(), runs.end(), [](const auto& r) { return r == 1; }));
      if (count >= grain) {
        CHECK(*std::min_element(lengths.begin(), lengths.end()) >= grain);
      }
      CHECK(ids.size() <= threads);
    }
  }
}

}  // namespace

TEST_CASE("thread_pool keeps the executor contract on 1, 2, 3 and 7 threads",
          "[parallel][executors]") {
  for (std::size_t threads : kThreadCounts) {
    CHECK(pool_of(threads).size() == threads);
    keeps_the_contract(pool_of(threads), threads, "thread_pool(" + std::to_string(threads) + ")");
  }
  rectify::shared_thread_pool shared;
  keeps_the_contract(shared, rectify::thread_pool::shared().size(), "shared_thread_pool");
  rectify::inline_executor here;
  keeps_the_contract(here, 1, "inline_executor");
}

#if defined(_OPENMP)
TEST_CASE("openmp_executor keeps the executor contract on 1, 2, 3 and 7 threads",
          "[parallel][executors]") {
  for (std::size_t threads : kThreadCounts) {
    rectify::openmp_executor executor(static_cast<int>(threads));
    keeps_the_contract(executor, threads, "openmp_executor(" + std::to_string(threads) + ")");
  }
}
#endif

TEST_CASE("thread_pool: a call made from inside a piece runs on that piece's thread",
          "[parallel][executors]") {
  rectify::thread_pool& pool = pool_of(3);
  std::atomic<std::size_t> total{0};
  auto inner = [&](std::size_t begin, std::size_t end) { total += end - begin; };
  auto outer = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      pool.parallel_for(100, 1, rectify::range_function(inner));
    }
  };
  pool.parallel_for(10, 1, rectify::range_function(outer));
  CHECK(total == 1000);
}

TEST_CASE("thread_pool: calls from several threads at once all finish and cover every index",
          "[parallel][executors]") {
  rectify::thread_pool& pool = pool_of(3);
  std::atomic<std::size_t> total{0};
  auto count_indices = [&](std::size_t begin, std::size_t end) { total += end - begin; };
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int k = 0; k < 50; ++k) {
        pool.parallel_for(1000, 10, rectify::range_function(count_indices));
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  CHECK(total == 4 * 50 * 1000);
}

TEST_CASE("thread_pool(1) starts no thread and runs everything on the caller",
          "[parallel][executors]") {
  rectify::thread_pool pool(1);
  CHECK(pool.size() == 1);
  std::set<std::thread::id> ids;
  auto fn = [&](std::size_t, std::size_t) { ids.insert(std::this_thread::get_id()); };
  pool.parallel_for(100, 1, rectify::range_function(fn));
  CHECK(ids == std::set<std::thread::id>{std::this_thread::get_id()});
}
