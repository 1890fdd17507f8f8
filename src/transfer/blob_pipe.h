#pragma once
// A bounded in-memory pipe between a producer that pushes bytes (the registry client writes a
// download into a sink) and a consumer that pulls them (a destination reads an upload body).
// At most `capacity` bytes wait in between, so memory stays small whatever the blob's size.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/io.h"

namespace hoist::transfer {

class BlobPipe : public Writer {
 public:
  explicit BlobPipe(size_t capacity = 256 * 1024) : capacity_(capacity) {}

  // Producer side. Blocks while the pipe is full; fails once the consumer has gone away.
  using Writer::Write;
  Status Write(const char* data, size_t n) override;
  // The producer is done: `status` ok means end of stream, otherwise the consumer's next Read fails.
  void Close(Status status);

  // Consumer side: like Reader::Read; 0 at end of stream.
  Result<size_t> Read(char* buf, size_t n);
  // The consumer stops reading (the producer's next Write fails).
  void Abandon();

  // Bytes the consumer has taken so far.
  uint64_t consumed() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t capacity_;
  std::string buffer_;  // bytes waiting; consumed from `head_`
  size_t head_ = 0;
  uint64_t consumed_ = 0;
  bool closed_ = false;
  bool abandoned_ = false;
  std::optional<Error> error_;
};

// A Reader fed by `produce`, run on its own thread into a BlobPipe of `capacity` bytes (its Status
// closes the pipe). Destroying the reader abandons the pipe, so a blocked producer stops, and joins
// the thread.
std::unique_ptr<Reader> ReadFromProducer(std::function<Status(BlobPipe&)> produce, size_t capacity);

}  // namespace hoist::transfer
