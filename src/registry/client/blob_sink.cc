#include "registry/client/blob_sink.h"

#include <unistd.h>

#include <cerrno>

namespace hoist::registry {

Status FdBlobSink::Write(const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write downloaded blob", errno);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Ok();
}

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
