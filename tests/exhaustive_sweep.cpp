// The exhaustive sweeps: every float bit pattern (4,294,967,296 of them), or a sample of at least
// 10^9 doubles dense in every special class, through every case of sweep_cases.hpp on every
// instruction set compiled in, each output compared bit for bit with the scalar reference.
//
//   rectify_exhaustive float32|float64 [--scope full|sample] [--threads N]
//
// The scope defaults to RECTIFY_SWEEP_SCOPE if set, else to sample (a spread-out 1/64 of the
// float chunks, with every chunk that holds a special value, and 2^24 doubles), which takes
// seconds instead of minutes. Full scope is only ever asked for explicitly
// (scripts/ci-exhaustive.sh does): every build of the suite runs these tests, emulated ones and
// sanitized ones included. Exit status 1 on any mismatch.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sweep_cases.hpp"
#include "sweep_inputs.hpp"
#include "values.hpp"

namespace {

using namespace testing;
using namespace testing::sweep;
using clock_type = std::chrono::steady_clock;

struct options {
  std::string type;
  bool full = false;
  unsigned threads = 0;
};

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr,
               "%s\nusage: rectify_exhaustive float32|float64 [--scope full|sample] "
               "[--threads N]\n",
               message);
  std::exit(2);
}

bool full_scope_by_default() {
  const char* scope = std::getenv("RECTIFY_SWEEP_SCOPE");
  if (scope == nullptr || std::string_view(scope) == "sample") return false;
  if (std::string_view(scope) == "full") return true;
  usage("RECTIFY_SWEEP_SCOPE must be full or sample");
}

options parse(int argc, char** argv) {
  options o;
  o.full = full_scope_by_default();
  o.threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "float32" || arg == "float64") {
      o.type = arg;
    } else if (arg == "--scope" && i + 1 < argc) {
      const std::string_view scope = argv[++i];
      if (scope != "full" && scope != "sample") usage("--scope must be full or sample");
      o.full = scope == "full";
    } else if (arg == "--threads" && i + 1 < argc) {
      o.threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else {
      usage(("unknown argument " + std::string(arg)).c_str());
    }
  }
  if (o.type.empty()) usage("which type?");
  return o;
}

// The first mismatches, with everything needed to reproduce them; the rest are only counted.
class failure_log {
 public:
  void add(const std::string& text, std::size_t wrong_values) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (++calls_ <= 20) std::fprintf(stderr, "MISMATCH %s\n", text.c_str());
    values_ += wrong_values;
  }
  // Kernel calls (one chunk, one case, one instruction set) with a wrong output.
  std::size_t calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  // Wrong output values over all those calls.
  std::size_t values() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return values_;
  }

 private:
  mutable std::mutex mutex_;
  std::size_t calls_ = 0;
  std::size_t values_ = 0;
};

// Prints how far the sweep is, at most every `interval`, from whichever thread gets there.
class progress_line {
 public:
  progress_line(std::string label, std::size_t total, std::chrono::seconds interval)
      : label_(std::move(label)),
        total_(total),
        interval_(interval),
        start_(clock_type::now()),
        last_(start_) {}

  void chunk_done() {
    const std::size_t done = ++done_;
    const auto now = clock_type::now();
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock() || (now - last_ < interval_ && done != total_)) return;
    last_ = now;
    const double elapsed = seconds(now);
    const double left = elapsed / static_cast<double>(done) * static_cast<double>(total_ - done);
    std::fprintf(stderr, "%s: %5.1f%% (%zu/%zu chunks), %.0f s elapsed, about %.0f s left\n",
                 label_.c_str(), 100.0 * static_cast<double>(done) / static_cast<double>(total_),
                 done, total_, elapsed, left);
  }
  double seconds(clock_type::time_point now = clock_type::now()) const {
    return std::chrono::duration<double>(now - start_).count();
  }

 private:
  std::string label_;
  std::size_t total_;
  std::chrono::seconds interval_;
  clock_type::time_point start_;
  std::mutex mutex_;
  clock_type::time_point last_;
  std::atomic<std::size_t> done_{0};
};

// Fills `out` with values that differ from `reference` in every bit, so an element the kernel
// fails to write cannot pass for a right one.
template <class T>
void poison(std::span<const T> reference, std::span<T> out) {
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = from_bits<T>(~to_bits(reference[i]));
}

template <class T>
void report_mismatch(failure_log& failures, const sweep_case<T>& c, const char* arch,
                     std::span<const T> x, std::span<const T> reference, std::span<const T> out) {
  std::size_t i = 0;
  while (i < out.size() && same_bits(out[i], reference[i])) ++i;
  std::size_t wrong = 0;
  for (std::size_t j = i; j < out.size(); ++j) wrong += !same_bits(out[j], reference[j]);
  failures.add(c.name + " <" + arch + ">: x = " + describe(x[i]) + " gave " + describe(out[i]) +
                   ", expected " + describe(reference[i]) + " (" + std::to_string(wrong) +
                   " wrong values in this chunk)",
               wrong);
}

struct case_tally {
  std::atomic<std::size_t> dw_checked{0};
  std::atomic<std::size_t> dw_unchecked{0};
};

template <class T, class Fill>
int run_sweep(const options& o, std::string label, const std::vector<std::size_t>& chunks,
              Fill fill) {
  const std::vector<sweep_case<T>> cases = all_cases<T>();
  std::vector<case_tally> tallies(cases.size());
  const std::vector<T> gradients = gradient_set<T>();
  failure_log failures;
  progress_line progress(label, chunks.size(), std::chrono::seconds(15));
  std::atomic<std::size_t> next{0};

  std::fprintf(stderr, "%s: %zu cases on", label.c_str(), cases.size());
  for (const auto& k : cases.front().kernels) std::fprintf(stderr, " %s", k.arch);
  std::fprintf(stderr, ", %zu chunks of %zu inputs, %u threads\n", chunks.size(), kChunk,
               o.threads);

  const auto worker = [&] {
    std::vector<T> x(kChunk), reference(kChunk), out(kChunk), dw;
    std::vector<std::vector<T>> dy;
    for (T g : gradients) dy.emplace_back(kChunk, g);
    for (std::size_t k; (k = next++) < chunks.size();) {
      fill(chunks[k], std::span<T>(x));
      for (std::size_t n = 0; n < cases.size(); ++n) {
        const sweep_case<T>& c = cases[n];
        const std::size_t g =
            static_cast<std::size_t>(std::find_if(gradients.begin(), gradients.end(),
                                                  [&](T v) { return same_bits(v, c.gradient); }) -
                                     gradients.begin());
        const std::span<const T> dy_span = c.uses_gradient ? std::span<const T>(dy[g]) : x;
        c.reference(x, c.gradient, reference);
        std::vector<slope_gradient_sum> dw_reference;
        if (c.channels != 0) {
          dw_reference = slope_gradient_reference<T>(x, c.gradient, c.channels, c.inner);
        }
        for (const auto& kernel : c.kernels) {
          poison<T>(reference, out);
          dw.assign(c.channels, T(123456789));
          kernel.run(x, dy_span, out, dw);
          if (std::memcmp(out.data(), reference.data(), kChunk * sizeof(T)) != 0) {
            report_mismatch<T>(failures, c, kernel.arch, x, reference, out);
          }
          if (c.channels == 0) continue;
          std::string detail;
          switch (check_slope_gradient<T>(dw_reference, dw, detail)) {
            case dw_verdict::ok:
              ++tallies[n].dw_checked;
              break;
            case dw_verdict::unchecked:
              ++tallies[n].dw_unchecked;
              break;
            case dw_verdict::wrong:
              failures.add(c.name + " <" + kernel.arch + ">: chunk from x = " + describe(x[0]) +
                               ": " + detail,
                           1);
              break;
          }
        }
      }
      progress.chunk_done();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < o.threads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  const std::size_t inputs = chunks.size() * kChunk;
  const double seconds = progress.seconds();
  std::printf("%s: %zu inputs per case and instruction set (%s scope), %.1f s\n", label.c_str(),
              inputs, o.full ? "full" : "sample", seconds);
  for (std::size_t n = 0; n < cases.size(); ++n) {
    std::printf("  %-70s %zu inputs x %zu ISAs", cases[n].name.c_str(), inputs,
                cases[n].kernels.size());
    if (cases[n].channels != 0) {
      std::printf(", dw: %zu chunk results within bound, %zu overflow-prone",
                  tallies[n].dw_checked.load(), tallies[n].dw_unchecked.load());
    }
    std::printf("\n");
  }
  const std::size_t calls = cases.size() * cases.front().kernels.size();
  std::printf(
      "%s: %zu kernel x ISA combinations, %.4g values checked, %zu wrong values in %zu "
      "kernel calls\n",
      label.c_str(), calls, static_cast<double>(inputs) * static_cast<double>(calls),
      failures.values(), failures.calls());
  return failures.calls() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  if (o.type == "float32") {
    std::vector<std::size_t> chunks;
    if (o.full) {
      for (std::size_t k = 0; k < kFloatChunks; ++k) chunks.push_back(k);
    } else {
      chunks = float_chunks_sampled(64);
    }
    return run_sweep<float>(o, "float32", chunks, fill_float_chunk);
  }
  // In full scope the first whole number of chunks with at least 10^9 doubles.
  const std::size_t count =
      o.full ? (std::size_t(1000000000) + kChunk - 1) / kChunk : (std::size_t(1) << 24) / kChunk;
  std::vector<std::size_t> chunks;
  for (std::size_t k = 0; k < count; ++k) chunks.push_back(k);
  return run_sweep<double>(o, "float64", chunks, fill_double_chunk);
}
