#pragma once
// What one image is at its source and whether the destination already has it: the plan (every
// manifest, attached ones included, and every blob) and, against a registry repository, whether
// the name and each attached tag already point at the same digests — the cheap check that makes a
// no-change mirror run fast (manifest HEADs, no blob is looked at).

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "registry/client/repository.h"
#include "transfer/copy_plan.h"
#include "transfer/mirror/image_list.h"

namespace hoist::transfer::mirror {

struct ImageState {
  CopyPlan plan;
  bool up_to_date = false;
  std::vector<Descriptor> missing_blobs;  // with check_blobs: blobs `destination` lacks
};

// `source` already filtered (AttachedFilter). `destination` may be null (nothing to compare).
// `destination_tags`, when known, are the tags the destination holds: a tag not among them is
// missing without asking.
Result<ImageState> InspectImage(ImageSource& source, const MirrorImage& image,
                                const registry::Repository* destination, bool check_blobs,
                                const std::set<std::string>* destination_tags = nullptr);

}  // namespace hoist::transfer::mirror
