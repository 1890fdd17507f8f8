#pragma once
// `mirror plan|run CONFIG --to dir:BUNDLE`: every image into one OCI layout (blobs shared across
// images), then hoist-catalog.json and SHA256SUMS, and with a split size the tar volumes. With
// `since` (an earlier bundle's catalog) images and blobs the other side already has are left out.
// Running again into the same bundle skips images the catalog already holds unchanged.

#include <cstdint>
#include <string>

#include "transfer/endpoints.h"
#include "transfer/mirror/image_list.h"
#include "transfer/mirror/mirror_run.h"
#include "transfer/mirror/summary.h"
#include "transfer/mirror/target.h"

namespace hoist::transfer::mirror {

struct BundleOptions {
  std::string since;        // path of an earlier hoist-catalog.json ("" = none)
  uint64_t split_size = 0;  // 0 = no volumes
};

// Errors only for the bundle as a whole (unreadable --since catalog, catalog or checksums not
// written); image failures are in the summary.
Result<MirrorSummary> ExportBundle(const ImageList& list, const Target& target, const Endpoints& endpoints,
                                   const MirrorOptions& options, const BundleOptions& bundle, bool plan_only);

}  // namespace hoist::transfer::mirror
