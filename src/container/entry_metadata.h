#pragma once
// Setting an unpacked entry's ownership, xattrs, mode and times without ever following a symlink:
// on an open fd where there is one, else with *at() calls and AT_SYMLINK_NOFOLLOW.

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/tar_entry.h"

namespace hoist::container {

struct MetadataOptions {
  bool chown = false;
  uint64_t* skipped_xattrs = nullptr;  // counts xattrs the filesystem or privileges refused
};

// For a regular file or directory open as `fd` (not O_PATH). `mode` overrides entry.mode.
Status ApplyFdMetadata(int fd, const TarEntry& entry, mode_t mode, const MetadataOptions& options,
                       const std::string& what);

// For an entry named `name` in `dir_fd` that has no usable fd (symlink, device, fifo).
Status ApplyAtMetadata(int dir_fd, const std::string& name, const TarEntry& entry,
                       const MetadataOptions& options, const std::string& what);

// Sets only the times (atime = mtime) of the entry in `dir_fd`, not following a symlink.
Status SetTimesAt(int dir_fd, const std::string& name, int64_t sec, uint32_t nsec, const std::string& what);

}  // namespace hoist::container
