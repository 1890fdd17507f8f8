#pragma once
// Runs fn(0..n-1) on up to `jobs` threads (fewer when no more can be started); each index once.
// fn must not throw.

#include <algorithm>
#include <atomic>
#include <functional>

#include "core/worker_pool.h"

namespace hoist::transfer::mirror {

inline void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  const size_t threads = std::min(n, static_cast<size_t>(std::max(1, jobs)));
  RunWorkers(threads, worker);
}

}  // namespace hoist::transfer::mirror
