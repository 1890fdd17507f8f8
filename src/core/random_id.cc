#include "core/random_id.h"

#include <sys/random.h>

#include <cerrno>

namespace hoist {

Result<std::string> RandomHex(size_t bytes) {
  unsigned char buf[256];
  if (bytes > sizeof buf) return InvalidArgument("at most 256 random bytes at a time");
  size_t got = 0;
  while (got < bytes) {
    ssize_t n = ::getrandom(buf + got, bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("getrandom", errno);
    }
    got += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes);
  for (size_t i = 0; i < bytes; ++i) {
    out += kHex[buf[i] >> 4];
    out += kHex[buf[i] & 15];
  }
  return out;
}

}  // namespace hoist
