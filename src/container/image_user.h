#pragma once
// The User of an image config ("", "uid", "uid:gid", "name", "name:group") turned into ids, with
// names looked up in the image's own /etc/passwd and /etc/group (read inside the root, never the
// host's files).

#include <sys/types.h>

#include <string>

#include "container/root_dir.h"
#include "core/error.h"

namespace hoist::container {

struct ImageUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home = "/";  // from /etc/passwd when the user has an entry
};

Result<ImageUser> ResolveImageUser(const RootDir& root, const std::string& spec);

// A regular file inside the root, read whole (symlinks followed in-root; at most `limit` bytes).
// kNotFound when it is not there.
Result<std::string> ReadFileInRoot(const RootDir& root, const std::string& rel, uint64_t limit);

}  // namespace hoist::container
