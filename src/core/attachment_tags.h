#pragma once
// Tags that name manifests attached to an image rather than images: cosign's "sha256-<hex>.sig",
// ".att" and ".sbom", and the OCI referrers tag "sha256-<hex>". They travel with their image, are
// hidden from image lists (docker hides attestation manifests the same way) and are kept out of
// the index.json of single-image archives.

#include <string>
#include <vector>

#include "core/digest.h"

namespace hoist {

// The cosign tags of a manifest: "sha256-<hex>.sig", ".att", ".sbom".
std::vector<std::string> CosignTags(const Digest& subject);

// Whether `tag` is a cosign tag or a referrers tag.
bool IsAttachmentTag(const std::string& tag);

// Whether a reference or an org.opencontainers.image.ref.name ("app:sha256-<hex>.sig",
// "sha256-<hex>.sig") names an attached manifest.
bool IsAttachedRefName(const std::string& ref_name);

}  // namespace hoist
