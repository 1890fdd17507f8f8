#pragma once
// Following an image's descriptors through the store: the manifest or index, its children, configs
// and layers. ReachableBlobs (oci_layout.h) is the strict form; WalkImage keeps going past missing
// or damaged content and reports it, which prune and fsck need.

#include <unordered_set>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "store/oci_layout.h"

namespace hoist::store {

// Indexes nested deeper than this are refused (real images nest at most twice).
inline constexpr int kMaxIndexDepth = 8;

struct ImageWalk {
  std::vector<Descriptor> present;  // reachable and in blobs/, each digest once, in manifest order
  std::vector<Descriptor> missing;  // referenced but absent (absent foreign layers are not counted)
  // Entries of an index whose manifest is not stored: a multi-platform image kept for some platforms
  // only. Not damage, so complete() does not count them.
  std::vector<Descriptor> absent_children;
  struct Unreadable {
    Descriptor descriptor;
    Error error;
  };
  std::vector<Unreadable> unreadable;  // manifests or indexes that could not be read, verified or parsed
  bool complete() const { return missing.empty() && unreadable.empty(); }
};

// Walks from `root`. Digests already in `seen` are skipped (and new ones added), so one set shared
// over several roots visits each blob once.
ImageWalk WalkImage(const OciLayout& layout, const Descriptor& root, std::unordered_set<Digest>& seen);

}  // namespace hoist::store
