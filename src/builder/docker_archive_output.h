#pragma once
// `hoist build --output docker-archive:FILE`: the built image written as a `docker save` tar by
// the store's docker archive writer (through transfer/docker_archive_destination.h, as `hoist save`
// does). A docker archive holds uncompressed layers, so each layer is decompressed on the way and
// written as the blob of its diff_id; the file is replaced atomically once complete.

#include <optional>
#include <string>

#include "core/descriptor.h"
#include "core/reference.h"
#include "store/oci_layout.h"

namespace hoist::builder {

// Writes the store image `manifest` (a single-platform manifest) to `path`, named `name` in the
// archive's manifest.json and repositories (nullopt: unnamed, as docker saves an image ID).
Status WriteDockerArchive(const store::OciLayout& layout, const Descriptor& manifest,
                          const std::optional<Reference>& name, const std::string& path);

}  // namespace hoist::builder
