#pragma once
// Every chunked upload holds its current chunk in memory while sending it (see
// Repository::UploadChunk). All uploads of the process share one budget for those buffers, so
// peak memory stays bounded whatever the number of parallel uploads: an upload waits for room
// before it reads its next chunk. Leases are taken one at a time per upload, so none can deadlock.

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace hoist::registry {

class ChunkMemory {
 public:
  explicit ChunkMemory(uint64_t capacity) : capacity_(capacity), free_(capacity) {}

  // The process-wide budget (6 MiB: three 2 MiB chunks in flight).
  static ChunkMemory& Shared();

  class Lease {
   public:
    Lease(ChunkMemory& owner, uint64_t bytes) : owner_(owner), bytes_(bytes) {}
    ~Lease() { owner_.Release(bytes_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    ChunkMemory& owner_;
    uint64_t bytes_;
  };

  // Waits until `bytes` fit (a chunk larger than the whole budget waits until it is all free, and
  // then goes alone).
  [[nodiscard]] Lease Acquire(uint64_t bytes) {
    const uint64_t take = bytes < capacity_ ? bytes : capacity_;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return free_ >= take; });
    free_ -= take;
    return Lease(*this, take);
  }

 private:
  void Release(uint64_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_ += bytes;
    }
    cv_.notify_all();
  }

  const uint64_t capacity_;
  uint64_t free_;
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace hoist::registry
