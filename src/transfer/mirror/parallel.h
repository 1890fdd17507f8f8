#pragma once
// Runs fn(0..n-1) on up to `jobs` threads; each index once. fn must not throw.

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace hoist::transfer::mirror {

inline void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  const size_t threads = std::min(n, static_cast<size_t>(std::max(1, jobs)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

}  // namespace hoist::transfer::mirror
