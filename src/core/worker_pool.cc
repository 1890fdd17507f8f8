#include "core/worker_pool.h"

#include <new>
#include <system_error>
#include <vector>

namespace hoist {

std::thread StartThread(std::function<void()> body) { return std::thread(std::move(body)); }

size_t RunWorkers(size_t workers, const std::function<void()>& worker, const ThreadStarter& start) {
  if (workers == 0) return 0;
  std::vector<std::thread> pool;
  try {
    pool.reserve(workers - 1);
    for (size_t i = 1; i < workers; ++i) pool.push_back(start(worker));
  } catch (const std::system_error&) {
    // No more threads (EAGAIN, ENOMEM): go on with those started.
  } catch (const std::bad_alloc&) {
  }
  worker();
  for (auto& t : pool) t.join();
  return pool.size() + 1;
}

}  // namespace hoist
