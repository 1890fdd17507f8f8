#include "builder/add_url.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace hoist::builder {

std::string UrlSourceName(const std::string& url) {
  std::string name = transfer::UrlFileName(url);
  return name.empty() ? "__unnamed__" : name;  // buildkit's name for a URL without a file name
}

Result<UrlSource> FetchUrlSource(const std::string& url, const std::optional<Digest>& checksum, const std::string& dir,
                                 const transfer::UrlFetchOptions& options, std::optional<int64_t> timestamp) {
  UrlSource src;
  src.dir = dir;
  src.name = UrlSourceName(url);
  const std::string path = dir + "/" + src.name;
  HOIST_TRY_ASSIGN(transfer::FetchedUrl got, transfer::FetchUrl(url, path, checksum, options, 0600));
  src.digest = got.digest;
  src.last_modified = got.last_modified;

  int64_t mtime = got.last_modified.value_or(timestamp.value_or(static_cast<int64_t>(std::time(nullptr))));
  if (timestamp) mtime = std::min(mtime, *timestamp);
  struct timespec times[2];
  times[0].tv_sec = times[1].tv_sec = static_cast<time_t>(mtime);
  times[0].tv_nsec = times[1].tv_nsec = 0;
  if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoError("set the time of " + path, errno);
  }
  return src;
}

}  // namespace hoist::builder
