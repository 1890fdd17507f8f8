#pragma once
// docker://HOST/REPO[:TAG][@DIGEST] as a source: manifests by tag or digest, blobs streamed from
// the registry (read: a download thread per blob feeding a small pipe; written into a destination's
// Writer: downloaded on the caller's thread), cosign tags and referrers.

#include <functional>
#include <memory>

#include "core/reference.h"
#include "registry/client/repository.h"
#include "transfer/blob_info_cache.h"
#include "transfer/image_source.h"

namespace hoist::transfer {

class RegistrySource : public ImageSource {
 public:
  // `cache` (may be null) learns which blobs this repository holds.
  RegistrySource(registry::Repository repo, Reference ref, BlobInfoCache* cache)
      : repo_(std::move(repo)), ref_(std::move(ref)), cache_(cache) {}

  std::string Describe() const override { return "docker://" + ref_.str(); }
  Result<ManifestBytes> GetManifest(const std::optional<Digest>& instance) override;
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) override;
  Status WriteBlob(const Descriptor& blob, uint64_t offset, Writer& out) override;
  Result<std::vector<std::string>> ListTags() override;
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override;

 private:
  // For the blob-info cache: run once the blob was read whole (null without a cache).
  std::function<void()> RecordSeen(const Descriptor& blob) const;

  registry::Repository repo_;
  Reference ref_;
  BlobInfoCache* cache_;
};

}  // namespace hoist::transfer
