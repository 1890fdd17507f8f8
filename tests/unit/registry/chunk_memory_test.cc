#include "registry/client/chunk_memory.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

using hoist::registry::ChunkMemory;

TEST_CASE("chunk memory: a lease waits until earlier ones leave room") {
  ChunkMemory budget(4);
  std::atomic<bool> second_got_in{false};
  std::thread second;
  {
    auto first = budget.Acquire(3);
    second = std::thread([&] {
      auto lease = budget.Acquire(2);
      second_got_in = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(second_got_in);  // 3 + 2 > 4: it must wait
  }
  second.join();
  CHECK(second_got_in);
}

TEST_CASE("chunk memory: small leases share, and a chunk larger than the budget goes alone") {
  ChunkMemory budget(4);
  {
    auto a = budget.Acquire(2);
    auto b = budget.Acquire(2);  // fits beside a: returns at once
  }
  std::atomic<bool> small_in{false};
  std::thread small;
  {
    auto huge = budget.Acquire(100);  // takes the whole budget instead of waiting forever
    small = std::thread([&] {
      auto lease = budget.Acquire(1);
      small_in = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(small_in);
  }
  small.join();
  CHECK(small_in);
}
