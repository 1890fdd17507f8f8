#pragma once
// Commit: the changes of a directory against the image it started from, as one new gzip layer on
// top of that image (diff_id in the config's rootfs, a history entry), like `docker commit`.
// The base tree is unpacked afresh into the store's temp area and compared with the directory
// (store/rootfs_diff.h); with a timestamp (SOURCE_DATE_EPOCH) the same change gives the same layer,
// config and manifest digests.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/rootfs_diff.h"
#include "container/stored_image.h"
#include "core/descriptor.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::container {

struct CommitOptions {
  std::vector<std::string> changes;  // Dockerfile-style config edits: "CMD ["sh"]", "ENV A=b", ...
  std::string message;               // the history entry's comment
  std::string author;
  std::string created_by;            // the history entry's created_by (the container's command)
  std::optional<int64_t> timestamp;  // fixes "created" and clamps the layer's mtimes
  std::set<std::string> exclude;     // relative paths left out of the layer
};

struct CommitResult {
  Descriptor manifest;
  Descriptor layer;
  Digest diff_id = Digest::Of("");
  Digest config = Digest::Of("");
  store::DiffStats stats;
};

Result<CommitResult> CommitDirectory(store::OciLayout& layout, const StoredImage& base, const std::string& changed_dir,
                                     const Reference& name, const CommitOptions& options);

}  // namespace hoist::container
