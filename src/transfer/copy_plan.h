#pragma once
// What a copy will do, worked out from the source's manifests before any blob moves: the blobs
// (each once) and the manifests in the order a destination must receive them — children before
// the index that lists them, the image before what is attached to it.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/platform.h"
#include "transfer/image_source.h"

namespace hoist::transfer {

// Which images of a multi-platform index to copy.
struct PlatformSelection {
  bool all = true;                   // the whole index, byte for byte
  std::vector<Platform> platforms;   // otherwise these (one: that image alone; several: a new index)
  // Named by the user (--platform): a single image for another platform is refused, as
  // `docker pull --platform` does; a default choice (this machine's) lets it through.
  bool requested = false;
};

struct PlannedManifest {
  Descriptor descriptor;  // digest and size of `bytes`
  ManifestBytes bytes;
  std::string tag;  // "" → by digest only
};

struct CopyPlan {
  Descriptor top;                         // what the destination's name will point at
  std::vector<PlannedManifest> manifests;  // put in this order
  std::vector<Descriptor> blobs;           // unique by digest, in manifest order
  std::vector<std::string> notes;          // said to the user (platform picked, index rewritten)
  std::map<Digest, std::string> configs;   // image configs CheckConfigs read (and checked), by digest
  bool chosen_from_index = false;          // top is an index's entry for the platform asked for
  uint64_t blob_bytes() const;
};

// Reads the manifest the source names (and its children) and plans copying it under `tag`.
Result<CopyPlan> PlanImage(ImageSource& source, const PlatformSelection& platforms, const std::string& tag);

// Reads the config of every image in the plan and checks it as load and build do (image_check.h),
// before any blob moves, whatever the destination: an image hoist itself cannot read is refused
// rather than stored, named or passed on. The configs are kept in plan.configs, so the copy reads
// each from the source once.
Status CheckConfigs(ImageSource& source, CopyPlan& plan);

// With platforms.requested and a single image (not chosen from an index) at the top: refuses the copy unless the
// image's config (read by CheckConfigs) is for one of the platforms.
Status CheckRequestedPlatform(const CopyPlan& plan, const PlatformSelection& platforms);

// Adds what is attached (cosign tags, referrers) to every image manifest in the plan.
Status PlanAttached(ImageSource& source, CopyPlan& plan);

}  // namespace hoist::transfer
