#include "store/temp_blob.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/fs.h"
#include "core/io.h"

namespace hoist::store {

Result<std::unique_ptr<TempBlob>> TempBlob::Create(const LayoutPaths& paths, DigestAlgorithm alg) {
  // Blobs are world-readable like the rest of the layout.
  HOIST_TRY_ASSIGN(TempOwner file, TempOwner::CreateFile(paths.TempDir(), "blob-", 0644));
  return std::unique_ptr<TempBlob>(new TempBlob(paths, std::move(file), alg));
}

TempBlob::~TempBlob() {
  if (!path_.empty()) ::unlink(path_.c_str());  // before file_ drops the owner lock
}

Status TempBlob::Write(const char* data, size_t n) {
  hasher_.Update(data, n);
  size_ += n;
  HOIST_TRY(WriteAllFd(fd_, data, n, path_));
  writeback_.Wrote(fd_, size_);
  reserve_.Wrote(fd_, size_);
  return Ok();
}

Status TempBlob::CopyFrom(Reader& r, int64_t max_size, const std::string& what) {
  ByteBuffer buf(1 << 20);
  reserve_ = SpaceReserver(max_size);
  reserve_.Wrote(fd_, size_);
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
  const std::string dir = paths_.BlobDir(d.algorithm());
  HOIST_TRY(MakeDirs(dir));
  const std::string target = paths_.Blob(d);
  if (::rename(path_.c_str(), target.c_str()) != 0) {
    return ErrnoError("rename " + path_ + " to " + target, errno);
  }
  path_.clear();
  file_.Release();  // out of tmp: the lock has nothing left to guard
  fd_ = -1;
  return FsyncDir(dir);
}

}  // namespace hoist::store
