#include "container/entry_metadata.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

namespace hoist::container {

namespace {

struct timespec Ts(int64_t sec, uint32_t nsec) {
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(sec);
  ts.tv_nsec = static_cast<long>(nsec);
  return ts;
}

// A refused xattr (no support, or a security./trusted. name we may not set) is counted, not fatal:
// the same layer must unpack on tmpfs and without root.
Status XattrFailed(int err, const std::string& name, const MetadataOptions& options, const std::string& what) {
  if (err == ENOTSUP || err == EPERM || err == EACCES) {
    if (options.skipped_xattrs != nullptr) ++*options.skipped_xattrs;
    return Ok();
  }
  return ErrnoError("set xattr " + name + " on " + what, err);
}

}  // namespace

Status ApplyFdMetadata(int fd, const TarEntry& entry, mode_t mode, const MetadataOptions& options,
                       const std::string& what) {
  if (options.chown && ::fchown(fd, static_cast<uid_t>(entry.uid), static_cast<gid_t>(entry.gid)) != 0) {
    return ErrnoError("chown " + what, errno);
  }
  for (const auto& [name, value] : entry.xattrs) {
    if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) != 0) {
      HOIST_TRY(XattrFailed(errno, name, options, what));
    }
  }
  // After chown, which clears setuid/setgid bits.
  if (::fchmod(fd, mode & 07777) != 0) return ErrnoError("chmod " + what, errno);
  struct timespec times[2] = {Ts(entry.mtime, entry.mtime_nsec), Ts(entry.mtime, entry.mtime_nsec)};
  if (::futimens(fd, times) != 0) return ErrnoError("set times of " + what, errno);
  return Ok();
}

Status ApplyAtMetadata(int dir_fd, const std::string& name, const TarEntry& entry,
                       const MetadataOptions& options, const std::string& what) {
  if (options.chown && ::fchownat(dir_fd, name.c_str(), static_cast<uid_t>(entry.uid),
                                  static_cast<gid_t>(entry.gid), AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoError("chown " + what, errno);
  }
  if (entry.type != TarEntryType::kSymlink) {
    // glibc refuses (EOPNOTSUPP) rather than follow if the entry were a symlink after all.
    if (::fchmodat(dir_fd, name.c_str(), entry.mode & 07777, AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoError("chmod " + what, errno);
    }
  }
  return SetTimesAt(dir_fd, name, entry.mtime, entry.mtime_nsec, what);
}

Status SetTimesAt(int dir_fd, const std::string& name, int64_t sec, uint32_t nsec, const std::string& what) {
  struct timespec times[2] = {Ts(sec, nsec), Ts(sec, nsec)};
  if (::utimensat(dir_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoError("set times of " + what, errno);
  }
  return Ok();
}

}  // namespace hoist::container
