#pragma once
// Which tags of a repository a selection takes: a list (empty = all), a regex, or a semver range;
// then hoist's `exclude` regexes and `newest` N (highest semver first). Tags that name attached
// manifests (cosign sha256-<hex>.sig/.att/.sbom, the referrers tag sha256-<hex>) are never images
// of their own: they travel with the image they belong to.

#include <string>
#include <vector>

#include "core/error.h"
#include "transfer/mirror/config.h"

namespace hoist::transfer::mirror {

// `available`: the repository's tags (unused for a list that names its tags). The result is sorted
// (by semver descending when `newest` applies, else by name) and holds no duplicates; digests of
// a list are kept as written.
Result<std::vector<std::string>> SelectTags(const RepoSelection& selection, const HoistAdditions& additions,
                                            const std::vector<std::string>& available);

// Whether a selection needs the repository's tag list.
bool NeedsTagList(const RepoSelection& selection, const HoistAdditions& additions);

}  // namespace hoist::transfer::mirror
