#pragma once
// The build's moves through the transfer engine: a registry base image into the store (FROM or
// COPY --from an image the store lacks), and the result out of the store for --push and --output.

#include <string>

#include "core/reference.h"
#include "transfer/endpoints.h"
#include "transfer/layer_compression.h"
#include "transfer/location.h"
#include "transfer/progress.h"

namespace hoist::build::builder {

// Pulls `image` (this machine's platform only) into the store at ep.store_path, named by itself.
Status PullIntoStore(const transfer::Endpoints& ep, const Reference& image, transfer::ProgressReporter* progress);

// Copies the store image `source` (a name, or any repository @ the manifest digest) to `destination`,
// its layers (re)compressed on the way as `compression` asks (build --compress).
Status CopyFromStore(const transfer::Endpoints& ep, const Reference& source, const transfer::Location& destination,
                     transfer::ProgressReporter* progress, const transfer::LayerCompressionChoice& compression = {});

}  // namespace hoist::build::builder
