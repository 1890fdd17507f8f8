#include "core/io.h"

#include "core/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace hoist {

namespace {
constexpr size_t kCopyBuffer = 256 * 1024;
}

Result<std::string> ReadAll(Reader& r, uint64_t limit) {
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, r.Read(buf, sizeof buf));
    if (n == 0) return out;
    if (out.size() + n > limit) {
      return TooLarge("input exceeds the limit of " + std::to_string(limit) + " bytes");
    }
    out.append(buf, n);
  }
}

Status ReadFull(Reader& r, char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    HOIST_TRY_ASSIGN(size_t k, r.Read(buf + got, n - got));
    if (k == 0) {
      return ParseError("unexpected end of stream (wanted " + std::to_string(n) + " bytes, got " +
                        std::to_string(got) + ")");
    }
    got += k;
  }
  return Ok();
}

Result<uint64_t> Copy(Reader& r, Writer& w) {
  ByteBuffer buf(kCopyBuffer);
  uint64_t total = 0;
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, r.Read(buf.data(), buf.size()));
    if (n == 0) return total;
    HOIST_TRY(w.Write(buf.data(), n));
    total += n;
  }
}

Status BufferedWriter::Write(const char* data, size_t n) {
  while (n > 0) {
    if (used_ == 0 && n >= buf_.size()) return inner_.Write(data, n);
    const size_t take = std::min(n, buf_.size() - used_);
    std::memcpy(buf_.data() + used_, data, take);
    used_ += take;
    data += take;
    n -= take;
    if (used_ == buf_.size()) HOIST_TRY(Flush());
  }
  return Ok();
}

Status BufferedWriter::Flush() {
  if (used_ == 0) return Ok();
  const size_t n = used_;
  used_ = 0;  // a failed write is not retried with the same bytes
  return inner_.Write(buf_.data(), n);
}

Result<size_t> StringReader::Read(char* buf, size_t n) {
  size_t k = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

Status StringWriter::Write(const char* data, size_t n) {
  data_.append(data, n);
  return Ok();
}

FdReader::~FdReader() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<FdReader>> FdReader::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  return std::make_unique<FdReader>(fd, true);
}

Result<size_t> FdReader::Read(char* buf, size_t n) {
  for (;;) {
    ssize_t k = ::read(fd_, buf, n);
    if (k >= 0) return static_cast<size_t>(k);
    if (errno != EINTR) return ErrnoError("read", errno);
  }
}

FdWriter::~FdWriter() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

Status FdWriter::Write(const char* data, size_t n) { return WriteAllFd(fd_, data, n, "file"); }

Result<size_t> DigestingReader::Read(char* buf, size_t n) {
  HOIST_TRY_ASSIGN(size_t k, inner_.Read(buf, n));
  hasher_.Update(buf, k);
  bytes_ += k;
  return k;
}

Status DigestingReader::Verify(const Digest& expected, int64_t expected_size) {
  Digest got = Finish();
  if (expected_size >= 0 && bytes_ != static_cast<uint64_t>(expected_size)) {
    return DigestMismatch("size mismatch for " + expected.str() + ": expected " +
                          std::to_string(expected_size) + " bytes, got " + std::to_string(bytes_));
  }
  if (!(got == expected)) {
    return DigestMismatch("digest mismatch: expected " + expected.str() + ", got " + got.str());
  }
  return Ok();
}

Status DigestingWriter::Write(const char* data, size_t n) {
  hasher_.Update(data, n);
  bytes_ += n;
  return inner_.Write(data, n);
}

Result<size_t> LimitedReader::Read(char* buf, size_t n) {
  // Ask for one byte more than allowed so an over-long stream is detected, not truncated.
  // (Written so that a limit of UINT64_MAX cannot wrap.)
  uint64_t room = limit_ - seen_;
  if (room < n) n = static_cast<size_t>(room) + 1;
  HOIST_TRY_ASSIGN(size_t k, inner_.Read(buf, n));
  seen_ += k;
  if (seen_ > limit_) {
    return TooLarge(what_ + " exceeds the limit of " + std::to_string(limit_) + " bytes");
  }
  return k;
}

}  // namespace hoist
