#pragma once
// The changes between a base root filesystem and a changed copy of it, as a layer tar: added and
// modified entries with their content, deletions as whiteouts (".wh.NAME"), and a directory whose
// every earlier entry is gone as an opaque directory (".wh..wh..opq") followed by its new contents.
//
// A file counts as modified when its type, mode, owner, size, mtime, symlink target or device
// number differ (content is not compared: the base and the changed tree come from the same
// unpack, so an untouched file keeps its mtime). Output is sorted bytewise by path and, with a
// timestamp, every mtime is clamped to it, so the same change always gives the same digest.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io.h"

namespace hoist::store {

struct DiffOptions {
  // Later mtimes become this (SOURCE_DATE_EPOCH); whiteouts get it too (else 0).
  std::optional<int64_t> timestamp;
  // Relative paths ("etc/hostname") left out of the comparison, with everything below them.
  std::set<std::string> exclude;
  bool xattrs = true;
};

struct DiffStats {
  uint64_t added = 0;     // entries written that the base did not have
  uint64_t modified = 0;  // entries written that replace a base entry
  uint64_t deleted = 0;   // whiteouts (an opaque directory counts once)
};

// One line of `docker diff`: 'A' added, 'C' changed, 'D' deleted, and the absolute path.
struct RootfsChange {
  char kind;
  std::string path;
};

// The changes WriteRootfsDiff would write, as `docker diff` lists them, sorted by path. A directory
// emptied and refilled (an opaque directory in a layer) is one 'C' line.
Result<std::vector<RootfsChange>> ListRootfsChanges(const std::string& base, const std::string& changed,
                                                    const DiffOptions& options = {});

// Writes the uncompressed layer tar (with its end-of-archive marker) to `out`.
Result<DiffStats> WriteRootfsDiff(const std::string& base, const std::string& changed, Writer& out,
                                  const DiffOptions& options = {});

}  // namespace hoist::store
