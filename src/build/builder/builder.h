#pragma once
// `hoist build`: a Dockerfile and its context into an image in the local store, without a daemon.
// The Dockerfile is parsed (build/dockerfile/), the stages the target needs are built in order
// (build/builder/stage_runner.cc), each filesystem step cached in the store, and the result written
// as config + manifest. Names (-t) are set only once every blob is in the store, so a failed
// build leaves no name behind (only cache records and unnamed blobs that `hoist prune` removes).

#include "build/builder/build_options.h"
#include "store/oci_layout.h"

namespace hoist::build::builder {

Result<BuildResult> Build(store::OciLayout& layout, const BuildOptions& options);

}  // namespace hoist::build::builder
