#pragma once
// `mirror plan` and `mirror run` to a registry: every image of the list, several at once, each
// on its own (one failing image never stops the rest). An image whose destination already points
// at the same digests (attached tags included) is skipped before any blob is looked at. What the
// images share is asked once per run: each repository's tags at the source (to find signatures
// and referrers, attached_lookup.h) and at the destination (destination_repos.h).

#include <functional>

#include "transfer/endpoints.h"
#include "transfer/mirror/image_list.h"
#include "transfer/mirror/summary.h"
#include "transfer/mirror/target.h"

namespace hoist::transfer::mirror {

struct MirrorOptions {
  int image_jobs = 8;  // images at once
  // Blobs at once within one image, at most. The run's blob streams stay within the larger of
  // the two numbers: each of `image_jobs` images at once gets its share of them (many small
  // images: one blob each at a time; a few large ones: several). Measured on 100 small images,
  // 8 images × 1 blob beat 4 × 4 by about a fifth: fewer streams at once cost the registries less.
  int blob_jobs = 4;
  // Hears each image as it finishes (progress lines); called from worker threads, one at a time.
  std::function<void(const ImageResult&)> on_image;
};

class AttachedLookup;
// Gives `lookup` the tag lists resolving made, and lets it list repositories with several images.
void SeedAttachedLookup(const ImageList& list, AttachedLookup& lookup);

// The blob jobs each image gets (see MirrorOptions) when `images` are mirrored.
int BlobJobsPerImage(const MirrorOptions& options, size_t images);

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
