#pragma once
// An image of the local store as the container commands need it: the manifest for this machine's
// platform and its config, and its layers applied into a directory (each blob verified against its
// digest and each uncompressed layer against the config's diff_id).

#include <optional>
#include <string>

#include "container/rootfs_unpack.h"
#include "core/image_config.h"
#include "core/manifest.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::container {

struct StoredImage {
  std::string arg;                // what the user named it by
  std::optional<Reference> name;  // when found by name
  Descriptor manifest_descriptor;
  Manifest manifest;
  ImageConfig config;
};

// By reference, digest or image ID (store/image_lookup.h); an index gives `platform`'s manifest (default:
// this machine's). A single image for another platform than one asked for is refused.
Result<StoredImage> LoadStoredImage(const store::OciLayout& layout, const std::string& arg,
                                    const std::optional<Platform>& platform = std::nullopt);
// By manifest digest (what a container remembers).
Result<StoredImage> LoadStoredManifest(const store::OciLayout& layout, const Digest& manifest, std::string arg);

// Applies every layer of `image` in order into `dir` (an existing directory).
Status UnpackStoredImage(const store::OciLayout& layout, const StoredImage& image, const std::string& dir,
                         const UnpackOptions& options = {});

}  // namespace hoist::container
