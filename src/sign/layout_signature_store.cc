#include "sign/layout_signature_store.h"

#include "core/manifest.h"
#include "core/media_types.h"

namespace hoist::sign {

LayoutSignatureStore LayoutSignatureStore::ForStore(store::OciLayout layout, Reference ref) {
  return LayoutSignatureStore(std::move(layout), std::move(ref), "");
}

LayoutSignatureStore LayoutSignatureStore::ForOciDir(store::OciLayout layout, std::string name) {
  return LayoutSignatureStore(std::move(layout), std::nullopt, std::move(name));
}

std::string LayoutSignatureStore::Describe() const {
  if (ref_) return ref_->str() + " (local store)";
  return "oci:" + layout_.root() + (name_.empty() ? "" : ":" + name_);
}

Result<StoredManifest> LayoutSignatureStore::Load(const Descriptor& d) const {
  if (!IsManifest(d.media_type) && !IsIndex(d.media_type)) {
    return Unsupported(Describe() + ": " + d.digest.str() + " is a " + d.media_type + ", not a manifest");
  }
  HOIST_TRY_ASSIGN(std::string bytes, layout_.ReadBlob(d.digest, kMaxManifestSize));
  return StoredManifest{std::move(bytes), d.media_type, d.digest};
}

Result<std::optional<Descriptor>> LayoutSignatureStore::FindNamed(const std::string& name) const {
  HOIST_TRY_ASSIGN(Index index, layout_.ReadIndex());
  for (const Descriptor& d : index.manifests()) {
    auto it = d.annotations.find(store::kRefNameAnnotation);
    if (it != d.annotations.end() && it->second == name) return std::optional<Descriptor>(d);
  }
  return std::optional<Descriptor>();
}

Result<StoredManifest> LayoutSignatureStore::Resolve() {
  HOIST_TRY_ASSIGN(Index index, layout_.ReadIndex());
  std::optional<Digest> by_digest;
  if (ref_ && ref_->digest()) by_digest = *ref_->digest();
  if (!ref_ && name_.rfind("@", 0) == 0) {
    HOIST_TRY_ASSIGN(Digest d, Digest::Parse(name_.substr(1)));
    by_digest = d;
  }
  if (by_digest) {
    for (const Descriptor& d : index.manifests()) {
      if (d.digest == *by_digest) return Load(d);
    }
    return NotFound(Describe() + ": no image with digest " + by_digest->str());
  }
  if (!ref_ && name_.empty()) {
    if (index.manifests().size() != 1) {
      return InvalidArgument(Describe() + " holds " + std::to_string(index.manifests().size()) +
                             " images: name one as oci:DIR:NAME");
    }
    return Load(index.manifests()[0]);
  }
  const std::string want = ref_ ? ref_->str() : name_;
  HOIST_TRY_ASSIGN(auto found, FindNamed(want));
  if (!found) return NotFound(Describe() + ": no image named \"" + want + "\"");
  return Load(*found);
}

Result<StoredManifest> LayoutSignatureStore::GetManifest(const Digest& digest) {
  HOIST_TRY_ASSIGN(std::string bytes, layout_.ReadBlob(digest, kMaxManifestSize));
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(bytes));
  std::string media_type = MediaTypeOf(any);
  return StoredManifest{std::move(bytes), std::move(media_type), digest};
}

Result<std::string> LayoutSignatureStore::NameForTag(const std::string& tag) const {
  if (!ref_) return tag;
  HOIST_TRY_ASSIGN(Reference named, ref_->Bare().WithTag(tag));
  return named.str();
}

Result<std::optional<StoredManifest>> LayoutSignatureStore::FindTagged(const std::string& tag) {
  HOIST_TRY_ASSIGN(std::string name, NameForTag(tag));
  HOIST_TRY_ASSIGN(auto found, FindNamed(name));
  if (!found) return std::optional<StoredManifest>();
  HOIST_TRY_ASSIGN(StoredManifest m, Load(*found));
  return std::optional<StoredManifest>(std::move(m));
}

Result<std::string> LayoutSignatureStore::ReadBlob(const Descriptor& blob, uint64_t limit) {
  if (blob.size < 0 || static_cast<uint64_t>(blob.size) > limit) {
    return TooLarge("blob " + blob.digest.str() + " is " + std::to_string(blob.size) + " bytes, over the limit of " +
                    std::to_string(limit));
  }
  HOIST_TRY_ASSIGN(std::string bytes, layout_.ReadBlob(blob.digest, limit));
  if (bytes.size() != static_cast<size_t>(blob.size)) {
    return DigestMismatch("blob " + blob.digest.str() + " is " + std::to_string(bytes.size()) +
                          " bytes, its descriptor says " + std::to_string(blob.size));
  }
  return bytes;
}

Status LayoutSignatureStore::WriteBlob(std::string_view bytes, std::string_view media_type) {
  if (!lease_) {
    HOIST_TRY_ASSIGN(auto lease, layout_.BeginWrite());
    lease_.emplace(std::move(lease));
  }
  HOIST_TRY_ASSIGN(Descriptor d, layout_.PutBytes(bytes, std::string(media_type)));
  (void)d;
  return Ok();
}

Status LayoutSignatureStore::WriteManifest(std::string_view bytes, std::string_view media_type,
                                           const std::string& tag) {
  HOIST_TRY(WriteBlob(bytes, media_type));
  HOIST_TRY_ASSIGN(std::string name, NameForTag(tag));
  Descriptor d = Descriptor::For(std::string(media_type), bytes);
  d.annotations[store::kRefNameAnnotation] = name;
  return layout_.UpdateIndex([&](std::vector<Descriptor>& manifests) -> Status {
    std::erase_if(manifests, [&](const Descriptor& e) {
      auto it = e.annotations.find(store::kRefNameAnnotation);
      return it != e.annotations.end() && it->second == name;
    });
    manifests.push_back(d);
    return Ok();
  });
}

}  // namespace hoist::sign
