#pragma once
// An image of the local store read for display (inspect, history): the entry a command-line
// argument names, its manifest for one platform, and that manifest's config.

#include <optional>
#include <string>

#include "core/manifest.h"
#include "core/platform.h"
#include "store/image_lookup.h"
#include "store/oci_layout.h"

namespace hoist::tools {

struct StoreImage {
  store::FoundImage found;      // the named entry: a manifest or an index
  std::string top_raw;          // its bytes, exactly as stored
  Descriptor manifest_descriptor;  // the manifest chosen (the entry itself, or the index's platform)
  Manifest manifest;
  std::string config_raw;
};

// `platform` picks from an index (default: this machine's); kNotFound names the platforms stored.
Result<StoreImage> LoadStoreImage(const store::OciLayout& layout, const std::string& arg,
                                  const std::optional<Platform>& platform);

}  // namespace hoist::tools
