#include "transfer/registry_source.h"

#include "core/attachment_tags.h"
#include "transfer/registry_blob_reader.h"

namespace hoist::transfer {

Result<ManifestBytes> RegistrySource::GetManifest(const std::optional<Digest>& instance) {
  std::string target;
  if (instance) target = instance->str();
  else if (ref_.digest()) target = ref_.digest()->str();
  else target = ref_.tag().value_or("latest");
  auto fetched = repo_.GetManifest(target);
  if (!fetched.ok()) return std::move(fetched).error();
  return ManifestBytes{std::move(fetched->bytes), std::move(fetched->media_type)};
}

std::function<void()> RegistrySource::RecordSeen(const Descriptor& blob) const {
  if (!cache_) return nullptr;
  return [cache = cache_, digest = blob.digest, domain = ref_.domain(), name = ref_.repository()] {
    cache->Record(digest, domain, name);
  };
}

Result<std::unique_ptr<Reader>> RegistrySource::GetBlob(const Descriptor& blob, uint64_t offset) {
  return OpenRegistryBlob(repo_, blob, offset, RecordSeen(blob));
}

Status RegistrySource::WriteBlob(const Descriptor& blob, uint64_t offset, Writer& out) {
  return WriteRegistryBlob(repo_, blob, offset, out, RecordSeen(blob));
}

Result<std::vector<std::string>> RegistrySource::ListTags() { return repo_.ListTags(); }

Result<std::vector<ImageSource::Attached>> RegistrySource::ListAttached(const Descriptor& subject) {
  std::vector<Attached> out;
  std::vector<std::string> tags = CosignTags(subject.digest);
  tags.push_back(registry::ReferrersTag(subject.digest));  // the referrers tag-schema index
  bool have_referrers_tag = false;
  for (const auto& tag : tags) {
    HOIST_TRY_ASSIGN(auto info, repo_.HeadManifest(tag));
    if (!info) continue;
    Descriptor d;
    d.media_type = info->media_type;
    d.digest = info->digest;
    d.size = info->size;
    if (tag == tags.back()) have_referrers_tag = true;
    out.push_back(Attached{tag, d});
  }
  if (!have_referrers_tag) {
    // A registry with the referrers API keeps no tag: copy each referrer by digest.
    auto referrers = repo_.ListReferrers(subject.digest);
    if (referrers.ok()) {
      for (auto& d : *referrers) out.push_back(Attached{"", d});
    }
  }
  return out;
}

}  // namespace hoist::transfer
