#include "core/worker_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <system_error>

using hoist::RunWorkers;
using hoist::StartThread;
using hoist::ThreadStarter;

namespace {

// Starts `allowed` threads, then fails as std::thread does under a thread or memory limit.
ThreadStarter FailingAfter(int allowed, int& attempts) {
  return [allowed, &attempts](std::function<void()> body) {
    if (attempts++ >= allowed) {
      throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                              "Resource temporarily unavailable");
    }
    return StartThread(std::move(body));
  };
}

}  // namespace

TEST_CASE("RunWorkers runs the requested number of workers when threads start") {
  std::atomic<int> ran{0};
  CHECK(RunWorkers(4, [&] { ++ran; }) == 4);
  CHECK(ran == 4);
  CHECK(RunWorkers(0, [&] { ++ran; }) == 0);
  CHECK(ran == 4);
}

TEST_CASE("RunWorkers goes on with fewer workers when a thread cannot be started") {
  int attempts = 0;
  std::atomic<int> ran{0};
  CHECK(RunWorkers(8, [&] { ++ran; }, FailingAfter(2, attempts)) == 3);  // 2 threads + the caller
  CHECK(ran == 3);
  CHECK(attempts == 3);  // no more tries after the first refusal
}

TEST_CASE("RunWorkers does all the work on the caller's thread when no thread can be started") {
  int attempts = 0;
  std::atomic<size_t> next{0};
  std::atomic<int> done{0};
  const size_t items = 100;
  auto worker = [&] {
    for (size_t i = next++; i < items; i = next++) ++done;
  };
  CHECK(RunWorkers(4, worker, FailingAfter(0, attempts)) == 1);
  CHECK(done == 100);
}
