#pragma once
// `mirror plan` and `mirror run` to a registry: every image of the list, several at once, each
// on its own (one failing image never stops the rest). An image whose destination already points
// at the same digests (attached tags included) is skipped before any blob is looked at.

#include <functional>

#include "transfer/endpoints.h"
#include "transfer/mirror/image_list.h"
#include "transfer/mirror/summary.h"
#include "transfer/mirror/target.h"

namespace hoist::transfer::mirror {

struct MirrorOptions {
  int image_jobs = 4;  // images at once
  int blob_jobs = 4;   // blobs at once within one image
  // Hears each image as it finishes (progress lines); called from worker threads, one at a time.
  std::function<void(const ImageResult&)> on_image;
};

// Nothing is written. With a registry target: which images are up to date and which blobs each
// destination repository lacks.
MirrorSummary PlanMirror(const ImageList& list, const Target* target, const Endpoints& endpoints,
                         const MirrorOptions& options);

MirrorSummary RunMirror(const ImageList& list, const Target& target, const Endpoints& endpoints,
                        const MirrorOptions& options);

// Shared with the bundle code: a result for `image` before anything is known, and the listing
// failures as failed results.
ImageResult ResultFor(const MirrorImage& image);
void AddListingFailures(const ImageList& list, MirrorSummary& summary);

}  // namespace hoist::transfer::mirror
