#pragma once
// Signatures in a registry: the image's repository, signature manifests under their cosign tag.

#include "core/reference.h"
#include "registry/client/repository.h"
#include "sign/signature_store.h"

namespace hoist::sign {

class RegistrySignatureStore : public SignatureStore {
 public:
  // `ref` names the image (tag or digest) in `repo`, which must allow push for signing.
  RegistrySignatureStore(registry::Repository repo, Reference ref) : repo_(std::move(repo)), ref_(std::move(ref)) {}

  std::string Describe() const override { return "docker://" + ref_.str(); }
  Result<StoredManifest> Resolve() override;
  Result<StoredManifest> GetManifest(const Digest& digest) override;
  Result<std::optional<StoredManifest>> FindTagged(const std::string& tag) override;
  Result<std::string> ReadBlob(const Descriptor& blob, uint64_t limit) override;
  Status WriteBlob(std::string_view bytes, std::string_view media_type) override;
  Status WriteManifest(std::string_view bytes, std::string_view media_type, const std::string& tag) override;

 private:
  registry::Repository repo_;
  Reference ref_;
};

}  // namespace hoist::sign
