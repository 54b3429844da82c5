#pragma once
// The harness of the concurrency tests: the same work from many threads at once.
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace yibao_test {

struct hammer_result {
  int mismatches = 0;  ///< calls whose result differed from the serial one
  int calls = 0;       ///< calls made in all
};

/// Calls `same(j)` for every j in [0, n), `rounds` times, from `threads` threads
/// at once, each thread in its own order; `same` says whether the result equals
/// the serial one.
inline auto hammer(int threads, int rounds, std::size_t n, const std::function<bool(std::size_t)>& same)
    -> hammer_result {
  std::atomic<int> mismatches{0};
  std::atomic<int> calls{0};
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) {
    pool.emplace_back([&, k] {
      for (int r = 0; r < rounds; ++r) {
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t j = (i + static_cast<std::size_t>(k) * 7 + static_cast<std::size_t>(r)) % n;
          if (!same(j)) ++mismatches;
          ++calls;
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  return {mismatches.load(), calls.load()};
}

}  // namespace yibao_test
