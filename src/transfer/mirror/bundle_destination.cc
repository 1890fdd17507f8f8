#include "transfer/mirror/bundle_destination.h"

#include "core/descriptor.h"

namespace hoist::transfer::mirror {

Result<Reuse> BundleDestination::TryReuseBlob(const Descriptor& blob) {
  {
    std::lock_guard lock(mu_);
    blobs_.push_back(blob);
  }
  if (known_.count(blob.digest.str())) return Reuse::kPresent;
  return inner_->TryReuseBlob(blob);
}

Status BundleDestination::PutManifest(const ManifestBytes& manifest, const std::string& tag) {
  HOIST_TRY(inner_->PutManifest(manifest, tag.empty() ? "" : repository_ + ":" + tag));
  Descriptor d = Descriptor::For(manifest.media_type, manifest.bytes);
  manifests_.push_back({d, tag});
  return Ok();
}

std::vector<Descriptor> BundleDestination::blobs() const {
  std::lock_guard lock(mu_);
  return blobs_;
}

}  // namespace hoist::transfer::mirror
