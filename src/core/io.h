#pragma once
// Byte streams. Everything that moves content (blobs, layers, archives) goes through Reader and
// Writer so stages can be stacked: source → DigestingReader → LimitedReader → destination.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/error.h"

namespace hoist {

class Reader {
 public:
  virtual ~Reader() = default;
  // Reads up to n bytes into buf; returns 0 only at end of stream.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

class Writer {
 public:
  virtual ~Writer() = default;
  // Writes all n bytes or fails.
  virtual Status Write(const char* data, size_t n) = 0;
  Status Write(std::string_view s) { return Write(s.data(), s.size()); }
};

// Reads the whole stream; fails with kTooLarge past `limit` bytes (never reads unbounded input).
Result<std::string> ReadAll(Reader& r, uint64_t limit);
// Reads exactly n bytes, failing with kParse ("unexpected end of stream") if fewer arrive.
Status ReadFull(Reader& r, char* buf, size_t n);
// Copies r to w until end of stream; returns the number of bytes copied.
Result<uint64_t> Copy(Reader& r, Writer& w);

// Scratch space for moving bytes. Unlike std::vector<char>(n) it is not zeroed: zeroing a MiB per
// blob (a memset and a page fault per 4 KiB, even for a 100 KiB blob) showed in many-blob profiles.
class ByteBuffer {
 public:
  explicit ByteBuffer(size_t n) : data_(std::make_unique_for_overwrite<char[]>(n)), size_(n) {}
  char* data() { return data_.get(); }
  size_t size() const { return size_; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_;
};

class StringReader : public Reader {
 public:
  explicit StringReader(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

class StringWriter : public Writer {
 public:
  StringWriter() = default;
  explicit StringWriter(size_t expected) { data_.reserve(expected); }
  using Writer::Write;
  Status Write(const char* data, size_t n) override;
  const std::string& str() const { return data_; }
  std::string Take() { return std::move(data_); }

 private:
  std::string data_;
};

// Reads a file descriptor; owns it when told to.
class FdReader : public Reader {
 public:
  FdReader(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdReader() override;
  static Result<std::unique_ptr<FdReader>> Open(const std::string& path);
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  int fd_;
  bool owned_;
};

class FdWriter : public Writer {
 public:
  FdWriter(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdWriter() override;
  using Writer::Write;
  Status Write(const char* data, size_t n) override;
  int fd() const { return fd_; }

 private:
  int fd_;
  bool owned_;
};

// Gathers small writes into writes of `capacity` bytes to `inner` (libcurl hands a download over
// in 16 KiB pieces: one write(2) per 256 KiB instead of sixteen). A write at least `capacity` long
// goes straight through when nothing waits. Flush() passes on what waits; the owner calls it at
// the end, and after a failure too when the bytes already taken should still land.
class BufferedWriter : public Writer {
 public:
  BufferedWriter(Writer& inner, size_t capacity) : inner_(inner), buf_(capacity) {}
  using Writer::Write;
  Status Write(const char* data, size_t n) override;
  Status Flush();

 private:
  Writer& inner_;
  ByteBuffer buf_;
  size_t used_ = 0;
};

// Hashes what passes through. After end of stream, Verify() checks digest and size.
class DigestingReader : public Reader {
 public:
  DigestingReader(Reader& inner, DigestAlgorithm alg = DigestAlgorithm::kSha256)
      : inner_(inner), hasher_(alg) {}
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t bytes() const { return bytes_; }
  // Call once, after Read() returned 0.
  Digest Finish() { return hasher_.Finish(); }
  // Finish() and compare with what the content claims to be (size < 0: size not checked).
  Status Verify(const Digest& expected, int64_t expected_size);

 private:
  Reader& inner_;
  Hasher hasher_;
  uint64_t bytes_ = 0;
};

// Hashes what passes through to `inner` (a layer's diff_id before compression, its digest after).
class DigestingWriter : public Writer {
 public:
  explicit DigestingWriter(Writer& inner, DigestAlgorithm alg = DigestAlgorithm::kSha256)
      : inner_(inner), hasher_(alg) {}
  using Writer::Write;
  Status Write(const char* data, size_t n) override;
  uint64_t bytes() const { return bytes_; }
  // Call once, after the last Write.
  Digest Finish() { return hasher_.Finish(); }

 private:
  Writer& inner_;
  Hasher hasher_;
  uint64_t bytes_ = 0;
};

// Passes through at most `limit` bytes; more than that is an error (kTooLarge), not a silent cut.
class LimitedReader : public Reader {
 public:
  LimitedReader(Reader& inner, uint64_t limit, std::string what = "stream")
      : inner_(inner), limit_(limit), what_(std::move(what)) {}
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  Reader& inner_;
  uint64_t limit_;
  uint64_t seen_ = 0;
  std::string what_;
};

}  // namespace hoist
