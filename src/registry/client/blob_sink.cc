#include "registry/client/blob_sink.h"

#include <unistd.h>

#include <cerrno>

#include "core/fs.h"

namespace hoist::registry {

Status FdBlobSink::Write(const char* data, size_t n) { return WriteAllFd(fd_, data, n, "downloaded blob"); }

Status FdBlobSink::Reset() {
  if (::ftruncate(fd_, 0) != 0) return ErrnoError("truncate downloaded blob", errno);
  if (::lseek(fd_, 0, SEEK_SET) < 0) return ErrnoError("rewind downloaded blob", errno);
  return Ok();
}

Status AppendOnlySink::Reset() {
  if (written_ == 0) return Ok();
  return Unsupported("the registry sent the whole blob again instead of continuing it, and the "
                     "destination cannot take back the " +
                     std::to_string(written_) + " bytes already written");
}

}  // namespace hoist::registry
