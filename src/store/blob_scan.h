#pragma once
// Internal to the store: listing what is on disk under blobs/ (for prune and fsck), and the
// age-based cleanup of leftovers that interrupted writers leave in .hoist/ and the root.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/digest.h"
#include "core/error.h"
#include "store/layout_paths.h"

namespace hoist::store {

struct BlobFile {
  std::string path;
  std::optional<Digest> digest;  // nullopt: the name is not a valid digest of its directory's algorithm
  int64_t size = 0;
};

// Every regular file under blobs/<alg>/ for the algorithms hoist knows. Other directories under
// blobs/ are not listed (another tool's algorithm is none of our business).
Result<std::vector<BlobFile>> ListBlobFiles(const LayoutPaths& paths);

struct StaleFiles {
  size_t removed = 0;
  uint64_t bytes = 0;
};
// Removes files older than `age` from .hoist/partial, and index.json/oci-layout temp files that an
// interrupted atomic write left in the root. (.hoist/tmp is swept by owner: FindOwnerlessTemps.)
StaleFiles RemoveStaleFiles(const LayoutPaths& paths, std::chrono::seconds age);

}  // namespace hoist::store
