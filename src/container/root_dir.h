#pragma once
// RootDir: a directory treated as the root of a filesystem image. Every path is resolved inside
// it the way the image would see it once it is the root: symlinks in the leading components are
// followed, but an absolute target or a ".." starts from, and never climbs above, the root
// (openat2's RESOLVE_IN_ROOT, with a manual component walk where the kernel lacks openat2). The
// last component is never followed: callers act on it with *at() calls and AT_SYMLINK_NOFOLLOW,
// so no chmod, chown, utime or write can land on a host file through a symlink in the image.

#include <string>
#include <vector>
#include <string_view>

#include "container/unique_fd.h"
#include "core/error.h"

namespace hoist::container {

// A directory (opened O_PATH) and the name of an entry in it.
struct ParentAndName {
  UniqueFd dir;
  std::string name;  // one component, never "", "." or ".."
};

class RootDir {
 public:
  // Opens `path`, which must be a directory (a symlink to one is refused).
  static Result<RootDir> Open(const std::string& path);

  const std::string& path() const { return path_; }
  int fd() const { return fd_.get(); }

  // Opens the directory `rel` (a clean relative path as CleanEntryPath returns, "." for the root)
  // inside the root, following symlinks in-root. With create_missing, missing directories are
  // made (mode 0755) on the way.
  Result<UniqueFd> OpenDir(std::string_view rel, bool create_missing) const;

  // The parent directory of `rel` (resolved as OpenDir does) and its last component.
  // `rel` must not be ".".
  Result<ParentAndName> OpenParent(std::string_view rel, bool create_missing) const;

  // For tests: pretend the kernel has no openat2, to exercise the manual walk.
  static void DisableOpenat2ForTesting(bool disable);

 private:
  RootDir(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  Result<UniqueFd> WalkDir(std::string_view rel, bool create_missing) const;

  std::string path_;
  UniqueFd fd_;
};

// Removes the entry `name` in `dir_fd` and, for a directory, everything below it. Nothing is
// followed: symlinks are removed, not entered. A missing entry is fine.
Status RemoveTreeAt(int dir_fd, const std::string& name, const std::string& what);

}  // namespace hoist::container
