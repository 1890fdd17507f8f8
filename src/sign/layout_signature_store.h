#pragma once
// Signatures in an OCI image layout: the local store (names are full references,
// "localhost:5000/app:1") or an oci:DIR (names as the user gave them, "app" or "latest"). A
// signature manifest is a named entry of index.json like any image, named with the cosign tag:
// "localhost:5000/app:sha256-<hex>.sig" in the store, "sha256-<hex>.sig" in an oci:DIR, so
// skopeo and umoci see an ordinary image and a registry copy maps it onto the same tag.

#include <optional>
#include <string>

#include "core/reference.h"
#include "sign/signature_store.h"
#include "store/oci_layout.h"

namespace hoist::sign {

class LayoutSignatureStore : public SignatureStore {
 public:
  // The local store; `ref` by tag or digest.
  static LayoutSignatureStore ForStore(store::OciLayout layout, Reference ref);
  // oci:DIR[:NAME]; an empty name means the layout's only image. NAME may also be "@sha256:…".
  static LayoutSignatureStore ForOciDir(store::OciLayout layout, std::string name);

  std::string Describe() const override;
  Result<StoredManifest> Resolve() override;
  Result<StoredManifest> GetManifest(const Digest& digest) override;
  Result<std::optional<StoredManifest>> FindTagged(const std::string& tag) override;
  Result<std::string> ReadBlob(const Descriptor& blob, uint64_t limit) override;
  Status WriteBlob(std::string_view bytes, std::string_view media_type) override;
  Status WriteManifest(std::string_view bytes, std::string_view media_type, const std::string& tag) override;

 private:
  LayoutSignatureStore(store::OciLayout layout, std::optional<Reference> ref, std::string name)
      : layout_(std::move(layout)), ref_(std::move(ref)), name_(std::move(name)) {}
  // The index.json name a signature tag gets here.
  Result<std::string> NameForTag(const std::string& tag) const;
  Result<std::optional<Descriptor>> FindNamed(const std::string& name) const;
  Result<StoredManifest> Load(const Descriptor& d) const;

  store::OciLayout layout_;
  std::optional<Reference> ref_;  // set for the store
  std::string name_;              // oci:DIR's name
  std::optional<store::OciLayout::WriteLease> lease_;
};

}  // namespace hoist::sign
