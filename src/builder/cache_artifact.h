#pragma once
// --cache-to / --cache-from: a build's step cache as one OCI artifact, so a CI runner without the
// store of the last build reuses its steps. hoist's own format (BuildKit's cache manifests need its
// solver's graph, which hoist's chained keys do not have):
//   manifest  application/vnd.oci.image.manifest.v1+json, artifactType kCacheArtifactType
//   config    kCacheConfigType: {"hoist-build-cache": 1, "steps": {"sha256:KEY": RECORD, ...}}, where
//             RECORD is a store record ({"layer": descriptor|null, "diff_id", "created"})
//   layers    every layer blob a record names, once
// Importing trusts the artifact as BuildKit's --cache-from does: a key's layer is taken as what the
// step would make. Only name caches you trust.

#include <cstddef>
#include <map>
#include <vector>

#include "builder/build_cache.h"
#include "core/descriptor.h"
#include "core/error.h"
#include "store/oci_layout.h"
#include "transfer/image_source.h"

namespace hoist::builder {

inline constexpr const char* kCacheArtifactType = "application/vnd.hoist.build-cache.v1";
inline constexpr const char* kCacheConfigType = "application/vnd.hoist.build-cache.config.v1+json";
// Bounds on an imported cache: its config document and the step records in it.
inline constexpr size_t kMaxCacheConfigBytes = 8 * 1024 * 1024;
inline constexpr size_t kMaxCacheSteps = 20000;

// Writes the artifact for `steps` into the store (config, manifest; the layers are there already)
// and returns the manifest's descriptor.
Result<Descriptor> WriteCacheArtifact(store::OciLayout& layout, const std::map<Digest, CachedStep>& steps);

// Reads the artifact `source` names, fetches the layers the store lacks (each verified), and adds
// its records to the store's step cache (records already present are kept). Returns how many
// records it holds. A document that is not such an artifact is an error naming what is wrong.
Result<size_t> ImportCacheArtifact(store::OciLayout& layout, transfer::ImageSource& source);

}  // namespace hoist::builder
