#pragma once
// From a mirror config to the list of images to move: each selection's tags resolved against the
// source registry, filtered, named at the destination, and cut to this machine's shard.

#include <map>
#include <string>
#include <vector>

#include "transfer/copy_plan.h"
#include "transfer/endpoints.h"
#include "transfer/location.h"
#include "transfer/mirror/config.h"
#include "transfer/mirror/shard.h"

namespace hoist::transfer::mirror {

struct MirrorImage {
  Location source;          // docker://HOST/REPO:TAG or @DIGEST
  std::string repository;   // destination path below the target's prefix ("library/alpine")
  std::string tag;          // "" when mirrored by digest
  std::string digest;       // the digest a config named ("" for tags)
  PlatformSelection platforms;
  bool signatures = true;
  bool referrers = true;
  // "library/alpine:3.19" or "library/alpine@sha256:…": the shard key and the catalog's name.
  std::string name() const { return tag.empty() ? repository + "@" + digest : repository + ":" + tag; }
};

struct ImageListFailure {
  std::string source;  // "docker://host/repo"
  std::string reason;
};

struct ImageList {
  std::vector<MirrorImage> images;  // sorted by name, no duplicate names
  std::vector<ImageListFailure> failures;  // repositories whose tags could not be listed
  // "host/repository" → its tags as listed while resolving (attached tags included), so a run
  // does not list them again to find signatures.
  std::map<std::string, std::vector<std::string>> tag_listings;
};

// A repository whose tags cannot be listed is a failure of its own; the rest go on.
ImageList ResolveImages(const MirrorConfig& config, const Endpoints& endpoints, const Shard& shard);

}  // namespace hoist::transfer::mirror
