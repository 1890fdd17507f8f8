#pragma once
// Reading the documents an edit starts from, verified: the manifest or index a source names, a
// child, an image config.

#include <string>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/image_config.h"
#include "core/manifest.h"
#include "transfer/image_source.h"

namespace hoist::edit {

// The document the source names (nullopt) or the child `digest`, parsed. Schema 1, unknown kinds
// and other garbage are refused with the source's name.
Result<AnyManifest> ReadDocument(transfer::ImageSource& source, const std::optional<Digest>& digest);

// An image manifest's config, read whole (kMaxConfigSize) and checked against its digest and size;
// an artifact (a config that is not an image config) is refused: there is nothing to edit.
Result<ImageConfig> ReadConfig(transfer::ImageSource& source, const Manifest& manifest);

}  // namespace hoist::edit
