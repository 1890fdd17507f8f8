#include "store/temp_blob.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/fs.h"
#include "core/io.h"

namespace hoist::store {

Result<std::unique_ptr<TempBlob>> TempBlob::Create(const LayoutPaths& paths, DigestAlgorithm alg) {
  HOIST_TRY(MakeDirs(paths.TempDir()));
  std::string path = paths.TempDir() + "/blob-XXXXXX";
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("create a temporary file in " + paths.TempDir(), errno);
  // Blobs are world-readable like the rest of the layout (mkostemp makes 0600).
  if (::fchmod(fd, 0644) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return ErrnoError("chmod " + path, err);
  }
  return std::unique_ptr<TempBlob>(new TempBlob(paths, std::move(path), fd, alg));
}

TempBlob::~TempBlob() {
  if (fd_ >= 0) ::close(fd_);
  if (!path_.empty()) ::unlink(path_.c_str());
}

Status TempBlob::Write(const char* data, size_t n) {
  hasher_.Update(data, n);
  size_ += n;
  HOIST_TRY(WriteAllFd(fd_, data, n, path_));
  writeback_.Wrote(fd_, size_);
  return Ok();
}

Status TempBlob::CopyFrom(Reader& r, int64_t max_size, const std::string& what) {
  ByteBuffer buf(1 << 20);
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, r.Read(buf.data(), buf.size()));
    if (n == 0) return Ok();
    HOIST_TRY(Write(buf.data(), n));
    if (max_size >= 0 && size_ > static_cast<uint64_t>(max_size)) {
      return DigestMismatch("size mismatch for " + what + ": expected " + std::to_string(max_size) +
                            " bytes, got more");
    }
  }
}

Status TempBlob::CommitAs(const Digest& d) {
  HOIST_TRY(FsyncFile(fd_, path_));
  ::close(fd_);
  fd_ = -1;
  const std::string dir = paths_.BlobDir(d.algorithm());
  HOIST_TRY(MakeDirs(dir));
  const std::string target = paths_.Blob(d);
  if (::rename(path_.c_str(), target.c_str()) != 0) {
    return ErrnoError("rename " + path_ + " to " + target, errno);
  }
  path_.clear();
  return FsyncDir(dir);
}

}  // namespace hoist::store
