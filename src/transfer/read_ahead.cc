#include "transfer/read_ahead.h"

#include <thread>
#include <vector>

#include "transfer/blob_pipe.h"

namespace hoist::transfer {

namespace {

constexpr size_t kBlock = 256 * 1024;

class ReadAheadReader : public Reader {
 public:
  ReadAheadReader(Reader& inner, size_t capacity) : pipe_(capacity) {
    thread_ = std::thread([this, &inner] { pipe_.Close(Pump(inner)); });
  }
  ~ReadAheadReader() override {
    pipe_.Abandon();
    thread_.join();
  }
  Result<size_t> Read(char* buf, size_t n) override { return pipe_.Read(buf, n); }

 private:
  Status Pump(Reader& inner) {
    std::vector<char> block(kBlock);
    for (;;) {
      HOIST_TRY_ASSIGN(size_t k, inner.Read(block.data(), block.size()));
      if (k == 0) return Ok();
      HOIST_TRY(pipe_.Write(block.data(), k));
    }
  }

  BlobPipe pipe_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Reader> ReadAhead(Reader& inner, size_t capacity) {
  return std::make_unique<ReadAheadReader>(inner, capacity);
}

}  // namespace hoist::transfer
