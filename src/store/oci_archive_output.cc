#include "store/oci_archive_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace hoist::store {

Result<std::unique_ptr<ArchiveFileOutput>> ArchiveFileOutput::Open(const std::string& path,
                                                                   const std::string& spool_dir) {
  std::unique_ptr<ArchiveFileOutput> o(new ArchiveFileOutput());
  o->target_.spool_dir = spool_dir;
  if (path == "-" || path.empty()) {
    o->path_ = "standard output";
    o->stdout_ = std::make_unique<FdWriter>(STDOUT_FILENO, false);
    o->writer_ = o->stdout_.get();
    struct stat st;
    if (::fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
      off_t at = ::lseek(STDOUT_FILENO, 0, SEEK_CUR);
      // O_APPEND ignores pwrite's offset on Linux: such a file cannot be patched.
      int flags = ::fcntl(STDOUT_FILENO, F_GETFL);
      if (at >= 0 && flags >= 0 && !(flags & O_APPEND)) {
        o->patch_fd_ = STDOUT_FILENO;
        o->target_.base_offset = static_cast<uint64_t>(at);
      }
    }
  } else {
    o->path_ = path;
    HOIST_TRY_ASSIGN(o->file_, OutputFile::Open(path));
    o->writer_ = o->file_.get();
    if (o->file_->atomic()) {
      o->patch_fd_ = ::open(o->file_->temp_path().c_str(), O_WRONLY | O_CLOEXEC);
      if (o->patch_fd_ < 0) return ErrnoError("open " + o->file_->temp_path(), errno);
      o->own_patch_fd_ = true;
    }
  }
  o->target_.out = o->writer_;
  o->target_.patch_fd = o->patch_fd_;
  return o;
}

ArchiveFileOutput::~ArchiveFileOutput() {
  if (own_patch_fd_ && patch_fd_ >= 0) ::close(patch_fd_);
}

Status ArchiveFileOutput::Commit() {
  if (own_patch_fd_ && patch_fd_ >= 0) {
    ::close(patch_fd_);
    patch_fd_ = -1;
  }
  if (file_) return file_->Commit();
  return Ok();
}

}  // namespace hoist::store
