#pragma once
// Images moved through the transfer engine for run and build: a registry image into the store (run of
// an image the store lacks, a build's FROM or COPY --from), and a build's result out of the store for
// --push and --output.

#include <string>
#include <vector>

#include "core/platform.h"

#include "core/reference.h"
#include "transfer/endpoints.h"
#include "transfer/layer_compression.h"
#include "transfer/location.h"
#include "transfer/progress.h"

namespace hoist::container {

// Pulls `image` into the store at ep.store_path, named by itself: the images of `platforms` (one: that
// image alone; several: an index over them); empty: this machine's platform.
Status PullIntoStore(const transfer::Endpoints& ep, const Reference& image, transfer::ProgressReporter* progress,
                     const std::vector<Platform>& platforms = {});

// Copies the store image `source` (a name, or any repository @ the manifest digest) to `destination`:
// this machine's image of an index, or with `whole_index` the index and every image it lists (a
// multi-platform build's result); layers (re)compressed on the way as `compression` asks (build --compress).
Status CopyFromStore(const transfer::Endpoints& ep, const Reference& source, const transfer::Location& destination,
                     transfer::ProgressReporter* progress, bool whole_index = false,
                     const transfer::LayerCompressionChoice& compression = {});

}  // namespace hoist::container
