#pragma once
// Internal to the store: a blob on its way in. Bytes go to a temp file under .hoist/tmp and are
// hashed as they arrive; only CommitAs() with the digest they turned out to have puts the file in
// blobs/. Destroyed before that, it removes its temp file, so a failed write leaves nothing. The
// file carries its owner lock (core/temp_owner.h) until it is renamed: after a SIGKILL, `hoist
// prune` reclaims it at once.

#include <cstdint>
#include <memory>
#include <string>

#include "core/digest.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/io.h"
#include "core/temp_owner.h"
#include "store/layout_paths.h"

namespace hoist::store {

class TempBlob {
 public:
  static Result<std::unique_ptr<TempBlob>> Create(const LayoutPaths& paths, DigestAlgorithm alg);
  ~TempBlob();
  TempBlob(const TempBlob&) = delete;
  TempBlob& operator=(const TempBlob&) = delete;

  Status Write(const char* data, size_t n);
  uint64_t size() const { return size_; }
  // Streams `r` in; more than `max_size` bytes (when >= 0) fails early as a size mismatch.
  Status CopyFrom(Reader& r, int64_t max_size, const std::string& what);
  // The digest of what was written (call once, after the last Write).
  Digest Finish() { return hasher_.Finish(); }
  // fsync, rename to blobs/<alg>/<hex> of `d`, fsync the blob directory.
  Status CommitAs(const Digest& d);

 private:
  TempBlob(const LayoutPaths& paths, TempOwner file, DigestAlgorithm alg)
      : paths_(paths), path_(file.path()), fd_(file.fd()), file_(std::move(file)), hasher_(alg) {}
  LayoutPaths paths_;
  std::string path_;  // empty once renamed into blobs/
  int fd_;            // file_'s descriptor
  TempOwner file_;
  Hasher hasher_;
  uint64_t size_ = 0;
  WritebackPacer writeback_;
  SpaceReserver reserve_;  // set by CopyFrom, which knows the size to expect
};

}  // namespace hoist::store
