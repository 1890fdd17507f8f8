#pragma once
// `hoist build`: a Dockerfile and its context into an image in the local store, without a daemon.
// The Dockerfile is parsed (builder/dockerfile/), the stages the target needs are built in order
// (builder/stage_runner.cc), each filesystem step cached in the store, and the result written
// as config + manifest. Names (-t) are set only once every blob is in the store, so a failed
// build leaves no name behind (only cache records and unnamed blobs that `hoist prune` removes).

#include "builder/build_options.h"
#include "store/oci_layout.h"

namespace hoist::builder {

Result<BuildResult> Build(store::OciLayout& layout, const BuildOptions& options);

}  // namespace hoist::builder
