#pragma once
// An ImageSource that passes only the attached manifests a mirror wants: cosign signature tags
// (sha256-<hex>.sig/.att/.sbom) when `signatures`, OCI referrers (by the API or the referrers tag
// sha256-<hex>) when `referrers`. Everything else is the inner source's. Manifests and attached
// lists are remembered, so the copy that follows a mirror's up-to-date check plans without asking
// the registry again. A `lister` (a mirror's AttachedLookup) replaces the inner source's
// ListAttached; when it fails, the inner source is asked after all.

#include <functional>
#include <map>
#include <mutex>

#include "transfer/image_source.h"

namespace hoist::transfer::mirror {

class AttachedFilter : public ImageSource {
 public:
  using Lister = std::function<Result<std::vector<Attached>>(const Descriptor& subject)>;

  AttachedFilter(ImageSource& inner, bool signatures, bool referrers, Lister lister = nullptr)
      : inner_(inner), signatures_(signatures), referrers_(referrers), lister_(std::move(lister)) {}

  std::string Describe() const override { return inner_.Describe(); }
  Result<ManifestBytes> GetManifest(const std::optional<Digest>& instance) override {
    const std::string key = instance ? instance->str() : "";
    {
      std::lock_guard lock(mu_);
      if (auto it = manifests_.find(key); it != manifests_.end()) return it->second;
    }
    HOIST_TRY_ASSIGN(ManifestBytes m, inner_.GetManifest(instance));
    std::lock_guard lock(mu_);
    manifests_[key] = m;
    return m;
  }
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) override {
    return inner_.GetBlob(blob, offset);
  }
  Status WriteBlob(const Descriptor& blob, uint64_t offset, Writer& out) override {
    return inner_.WriteBlob(blob, offset, out);
  }
  bool LayersAreCompressed() const override { return inner_.LayersAreCompressed(); }
  Result<std::vector<std::string>> ListTags() override { return inner_.ListTags(); }
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override {
    {
      std::lock_guard lock(mu_);
      if (auto it = attached_.find(subject.digest.str()); it != attached_.end()) return it->second;
    }
    Result<std::vector<Attached>> listed = lister_ ? lister_(subject) : inner_.ListAttached(subject);
    if (!listed.ok() && lister_) listed = inner_.ListAttached(subject);
    HOIST_TRY_ASSIGN(std::vector<Attached> all, std::move(listed));
    std::vector<Attached> out;
    for (auto& a : all) {
      const bool is_signature = a.tag.find('.') != std::string::npos;  // sha256-<hex>.sig
      if (is_signature ? signatures_ : referrers_) out.push_back(std::move(a));
    }
    std::lock_guard lock(mu_);
    attached_[subject.digest.str()] = out;
    return out;
  }

 private:
  ImageSource& inner_;
  bool signatures_, referrers_;
  Lister lister_;
  std::mutex mu_;
  std::map<std::string, ManifestBytes> manifests_;           // "" = the top one
  std::map<std::string, std::vector<Attached>> attached_;  // by subject digest
};

}  // namespace hoist::transfer::mirror
