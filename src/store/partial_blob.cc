// OciLayout::PartialBlob: a download kept under .hoist/partial so a later attempt continues it.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/fs.h"
#include "core/io.h"
#include "store/oci_layout.h"
#include "store/temp_blob.h"

namespace hoist::store {

namespace {

// Opens and exclusively locks the partial file, so two processes fetching the same blob take
// turns instead of interleaving bytes. A file renamed or removed while we waited is reopened.
Result<int> OpenLockedPartial(const std::string& path) {
  for (;;) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("open " + path, errno);
    int rc;
    while ((rc = ::flock(fd, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (rc != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoError("lock " + path, err);
    }
    struct stat by_fd, by_path;
    if (::fstat(fd, &by_fd) == 0 && ::stat(path.c_str(), &by_path) == 0 && by_fd.st_ino == by_path.st_ino &&
        by_fd.st_dev == by_path.st_dev) {
      return fd;
    }
    ::close(fd);
  }
}

// Hashes the bytes an earlier attempt kept, so the digest can be checked without a second read.
Result<uint64_t> HashExisting(int fd, Hasher& hasher, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoError("stat " + path, errno);
  if (st.st_size == 0) return uint64_t{0};  // the usual case: nothing kept, no buffer needed
  ByteBuffer buf(1 << 20);
  uint64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read " + path, errno);
    }
    if (n == 0) return total;
    hasher.Update(buf.data(), static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
  }
}

}  // namespace

Result<std::unique_ptr<OciLayout::PartialBlob>> OciLayout::OpenPartial(const Digest& expected, int64_t size) {
  HOIST_TRY(MakeDirs(paths_.PartialDir()));
  const std::string path = paths_.Partial(expected);
  HOIST_TRY_ASSIGN(int fd, OpenLockedPartial(path));
  Hasher hasher(expected.algorithm());
  auto kept = HashExisting(fd, hasher, path);
  if (!kept.ok()) {
    ::close(fd);
    return std::move(kept).error();
  }
  uint64_t offset = *kept;
  if (size >= 0 && offset > static_cast<uint64_t>(size)) {
    // Longer than the blob can be: it is not a prefix of it. Start over.
    if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoError("truncate " + path, err);
    }
    hasher = Hasher(expected.algorithm());
    offset = 0;
  }
  return std::unique_ptr<PartialBlob>(new PartialBlob(paths_, expected, size, fd, offset, std::move(hasher)));
}

OciLayout::PartialBlob::~PartialBlob() {
  if (fd_ >= 0) ::close(fd_);  // the bytes stay for the next attempt
}

Status OciLayout::PartialBlob::Write(const char* data, size_t n) {
  if (fd_ < 0) return Internal("write to partial blob " + expected_.str() + " after it was committed");
  if (size_ >= 0 && offset_ + n > static_cast<uint64_t>(size_)) {
    return DigestMismatch("size mismatch for blob " + expected_.str() + ": expected " + std::to_string(size_) +
                          " bytes, got more");
  }
  auto wrote = WriteAllFd(fd_, data, n, paths_.Partial(expected_));
  if (!wrote.ok()) {
    const int err = errno;
    if (err == ENOSPC || err == EDQUOT) {
      // A full disk: keeping the bytes for a resume would keep it full, and nothing else frees
      // them. Unlinked under the lock, so nobody resumes from a file that is going.
      ::unlink(paths_.Partial(expected_).c_str());
      ::close(fd_);
      fd_ = -1;
      return std::move(wrote).error().WithContext("the partial download of " + expected_.str() +
                                                  " was removed to give the space back");
    }
    return wrote;
  }
  hasher_.Update(data, n);
  offset_ += n;
  writeback_.Wrote(fd_, offset_);
  reserve_.Wrote(fd_, offset_);
  return Ok();
}

Status OciLayout::PartialBlob::Restart() {
  if (fd_ < 0) return Internal("restart of partial blob " + expected_.str() + " after it was committed");
  if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) {
    return ErrnoError("truncate " + paths_.Partial(expected_), errno);
  }
  hasher_ = Hasher(expected_.algorithm());
  offset_ = 0;
  return Ok();
}

Status OciLayout::PartialBlob::Commit() {
  if (fd_ < 0) return Internal("partial blob " + expected_.str() + " committed twice");
  const std::string path = paths_.Partial(expected_);
  Digest got = hasher_.Finish();
  Status bad = Ok();
  if (size_ >= 0 && offset_ != static_cast<uint64_t>(size_)) {
    bad = DigestMismatch("size mismatch for blob " + expected_.str() + ": expected " + std::to_string(size_) +
                         " bytes, got " + std::to_string(offset_));
  } else if (!(got == expected_)) {
    bad = DigestMismatch("digest mismatch: expected " + expected_.str() + ", got " + got.str());
  }
  if (!bad.ok()) {
    // Unlink while still holding the lock, so nobody resumes from these bytes.
    ::unlink(path.c_str());
    ::close(fd_);
    fd_ = -1;
    return bad;
  }
  HOIST_TRY(FsyncFile(fd_, path));
  const std::string dir = paths_.BlobDir(expected_.algorithm());
  HOIST_TRY(MakeDirs(dir));
  const std::string target = paths_.Blob(expected_);
  if (::rename(path.c_str(), target.c_str()) != 0) return ErrnoError("rename " + path + " to " + target, errno);
  ::close(fd_);
  fd_ = -1;
  return FsyncDir(dir);
}

}  // namespace hoist::store
