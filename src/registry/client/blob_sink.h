#pragma once
// Where a downloaded blob goes. A download that breaks mid-body continues with a Range request
// from the bytes already written; a registry may answer that with the whole blob (200, not 206),
// and then the sink must be able to start over. BlobSink is a Writer that can do that.

#include <cstdint>
#include <string>

#include "core/io.h"

namespace hoist::registry {

class BlobSink : public Writer {
 public:
  using Writer::Write;
  // Throws away every byte written so far (including any the caller held before the download):
  // the next Write is byte 0 of the blob again.
  virtual Status Reset() = 0;
};

// Keeps the blob in memory (small blobs, tests).
class StringBlobSink : public BlobSink {
 public:
  using BlobSink::Write;
  Status Write(const char* data, size_t n) override {
    data_.append(data, n);
    return Ok();
  }
  Status Reset() override {
    data_.clear();
    return Ok();
  }
  const std::string& str() const { return data_; }
  std::string Take() { return std::move(data_); }

 private:
  std::string data_;
};

// Appends to an open file descriptor (not owned); Reset truncates the file to zero length.
class FdBlobSink : public BlobSink {
 public:
  explicit FdBlobSink(int fd) : fd_(fd) {}
  using BlobSink::Write;
  Status Write(const char* data, size_t n) override;
  Status Reset() override;

 private:
  int fd_;
};

// Adapts a plain Writer, which cannot take bytes back: Reset fails once anything was written.
class AppendOnlySink : public BlobSink {
 public:
  explicit AppendOnlySink(Writer& inner) : inner_(inner) {}
  using BlobSink::Write;
  Status Write(const char* data, size_t n) override {
    written_ += n;
    return inner_.Write(data, n);
  }
  Status Reset() override;

 private:
  Writer& inner_;
  uint64_t written_ = 0;
};

}  // namespace hoist::registry
