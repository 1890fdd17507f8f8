#include "transfer/blob_pipe.h"

#include <algorithm>
#include <cstring>
#include <system_error>
#include <thread>

namespace hoist::transfer {

Status BlobPipe::Write(const char* data, size_t n) {
  std::unique_lock lock(mu_);
  while (n > 0) {
    cv_.wait(lock, [&] { return abandoned_ || buffer_.size() - head_ < capacity_; });
    if (abandoned_) return Error(ErrorCode::kCancelled, "the reader of this blob stopped");
    if (head_ > 0) {  // compact before appending, so the buffer never grows past capacity
      buffer_.erase(0, head_);
      head_ = 0;
    }
    size_t room = capacity_ - buffer_.size();
    size_t take = std::min(room, n);
    buffer_.append(data, take);
    data += take;
    n -= take;
    cv_.notify_all();
  }
  return Ok();
}

void BlobPipe::Close(Status status) {
  std::lock_guard lock(mu_);
  closed_ = true;
  if (!status.ok()) error_ = std::move(status).error();
  cv_.notify_all();
}

Result<size_t> BlobPipe::Read(char* buf, size_t n) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return closed_ || buffer_.size() > head_; });
  if (buffer_.size() == head_) {
    if (error_) return *error_;
    return size_t{0};
  }
  size_t take = std::min(n, buffer_.size() - head_);
  std::memcpy(buf, buffer_.data() + head_, take);
  head_ += take;
  consumed_ += take;
  cv_.notify_all();
  return take;
}

void BlobPipe::Abandon() {
  std::lock_guard lock(mu_);
  abandoned_ = true;
  cv_.notify_all();
}

uint64_t BlobPipe::consumed() const {
  std::lock_guard lock(mu_);
  return consumed_;
}

namespace {

class ProducerReader : public Reader {
 public:
  ProducerReader(std::function<Status(BlobPipe&)> produce, size_t capacity) : pipe_(capacity) {
    try {
      thread_ = std::thread([this, produce = std::move(produce)] { pipe_.Close(produce(pipe_)); });
    } catch (const std::system_error& e) {
      // Low memory or a thread limit: this blob fails with an error instead of the process dying.
      pipe_.Close(Error(ErrorCode::kIO, std::string("cannot start a thread to read this blob: ") + e.what()));
    }
  }
  ~ProducerReader() override {
    pipe_.Abandon();
    if (thread_.joinable()) thread_.join();
  }
  Result<size_t> Read(char* buf, size_t n) override { return pipe_.Read(buf, n); }

 private:
  BlobPipe pipe_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Reader> ReadFromProducer(std::function<Status(BlobPipe&)> produce, size_t capacity) {
  return std::make_unique<ProducerReader>(std::move(produce), capacity);
}

}  // namespace hoist::transfer
