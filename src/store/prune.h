#pragma once
// Garbage collection of the store, with docker's `image prune` semantics translated to a store
// without containers:
//   default  removes blobs that no index.json entry reaches (what `rmi` untagged, what an
//            interrupted load left behind);
//   --all    first drops index.json entries that carry no name (untagged images, like dangling
//            images in docker), then does the above.
// Leftovers of interrupted writers are removed too: at once what is in .hoist/tmp and no longer
// owned (its writer's lock is free: the process died, core/temp_owner.h), and partial downloads
// after `stale_after` (until then an interrupted pull can resume them).
//
// Prune holds the gc lock exclusively, so it waits for running writers (who hold a WriteLease) and
// they wait for it. index.json is edited before any blob is removed, and each removal is one
// unlink, so a prune killed at any moment leaves a store that passes fsck.

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "store/oci_layout.h"

namespace hoist::store {

struct PruneOptions {
  bool all = false;  // also drop unnamed index.json entries
  // Partial downloads and root temp files older than this are leftovers of interrupted writers;
  // younger partials are kept so an interrupted pull can resume. (.hoist/tmp does not wait.)
  std::chrono::seconds stale_after = std::chrono::hours(24);
};

struct PruneReport {
  std::vector<Descriptor> removed_entries;  // unnamed index.json entries dropped (--all)
  std::vector<Descriptor> removed_blobs;    // media type known only when a reachable manifest named it
  uint64_t freed_bytes = 0;                 // blobs and stale files
  size_t removed_stale_files = 0;           // ownerless temp entries and stale files
};

Result<PruneReport> Prune(OciLayout& layout, const PruneOptions& options);

}  // namespace hoist::store
