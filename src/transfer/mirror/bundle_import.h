#pragma once
// `mirror import BUNDLE --to docker://HOST[/PREFIX]`: first checks the whole bundle — every file
// against SHA256SUMS, every blob against its digest, the catalog against the manifests, and that
// each blob left out of an incremental bundle is already at the destination — and only then
// pushes, image by image in parallel (blobs the destination has are not sent; names last). A
// bundle that fails a check pushes and tags nothing.

#include <string>

#include "transfer/endpoints.h"
#include "transfer/mirror/mirror_run.h"
#include "transfer/mirror/summary.h"
#include "transfer/mirror/target.h"

namespace hoist::transfer::mirror {

// `bundle`: the bundle directory, or its first volume (….tar.001), unpacked into a temp dir first.
Result<MirrorSummary> ImportBundle(const std::string& bundle, const Target& target, const Endpoints& endpoints,
                                   const MirrorOptions& options);

}  // namespace hoist::transfer::mirror
