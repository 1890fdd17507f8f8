#pragma once
// From a Location to an ImageSource or ImageDestination: the one place that knows which class
// serves which location kind, and what each needs (registry client, store, caches).

#include <memory>
#include <string>
#include <vector>

#include "registry/registry_client.h"
#include "transfer/blob_info_cache.h"
#include "transfer/image_destination.h"
#include "transfer/image_source.h"
#include "transfer/location.h"
#include "transfer/resume_state.h"

namespace hoist::transfer {

struct Endpoints {
  registry::RegistryClient* client = nullptr;  // needed for docker:// locations
  std::string store_path;                      // the local store (bare references)
  BlobInfoCache* cache = nullptr;              // may be null
  const ResumeState* resume = nullptr;         // may be null
};

Result<std::unique_ptr<ImageSource>> OpenSource(const Location& location, const Endpoints& endpoints);

// `source`: where the copy comes from (a same-registry source is tried first for mounts).
Result<std::unique_ptr<ImageDestination>> OpenDestination(const Location& location, const Endpoints& endpoints,
                                                          const Location* source = nullptr);

// Tags of the repository (registry, store) or names (oci:) a location's image lives in (--all-tags).
Result<std::vector<std::string>> ListSourceTags(const Location& location, const Endpoints& endpoints);

// The same location naming `tag` instead.
Result<Location> WithTag(const Location& location, const std::string& tag);

// The name an image gets at `destination`: its tag; the REF of oci:DIR:REF or oci-archive:FILE:REF
// verbatim; for oci:DIR without REF, the source's tag (else none: by digest); for oci-archive:FILE
// without REF, none (as skopeo); for docker-archive the full reference of its REF or else of the
// source. "" names nothing (a digest-only destination, an unnamed index entry).
std::string DestinationTag(const Location& destination, const Location& source);

}  // namespace hoist::transfer
