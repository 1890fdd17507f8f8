#pragma once
// The blob stage of a copy into a destination that wants layers uncompressed (docker-archive:):
// each image's config as it is, then each layer decompressed on the way and put as the blob of
// its diff_id, as `hoist save` writes them (store_image_put.h). The compressed stream is checked
// against its digest, the decompressed one against the config's diff_id. One blob at a time: the
// destination is a single tar stream.

#include "transfer/blob_copier.h"
#include "transfer/copy_plan.h"
#include "transfer/image_destination.h"
#include "transfer/image_source.h"
#include "transfer/progress.h"

namespace hoist::transfer {

Result<BlobCounts> PutUncompressedImages(ImageSource& source, ImageDestination& destination, const CopyPlan& plan,
                                         ProgressReporter* progress);

}  // namespace hoist::transfer
