#include "transfer/mirror/attached_lookup.h"

#include "core/attachment_tags.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "transfer/registry_source.h"

namespace hoist::transfer::mirror {

std::shared_ptr<AttachedLookup::Repo> AttachedLookup::Entry(const std::string& key) {
  std::lock_guard lock(mu_);
  auto& slot = repos_[key];
  if (!slot) slot = std::make_shared<Repo>();
  return slot;
}

void AttachedLookup::Seed(const std::string& key, const std::vector<std::string>& tags) {
  auto repo = Entry(key);
  std::lock_guard lock(repo->mu);
  repo->tags.emplace(tags.begin(), tags.end());
}

void AttachedLookup::AllowListing(const std::string& key) {
  std::lock_guard lock(mu_);
  listable_.insert(key);
}

Status AttachedLookup::Load(Repo& repo, const Reference& ref) {
  if (!repo.tags) {
    std::lock_guard lock(mu_);
    if (!listable_.count(Key(ref))) return Unsupported("listing the tags of " + Key(ref) + " for one image");
  }
  if (!repo.api) {
    if (!endpoints_.client) return Internal("no registry client for " + ref.str());
    HOIST_TRY_ASSIGN(auto api, endpoints_.client->OpenRepository(ref, registry::Access::kPull));
    repo.api = std::move(api);
  }
  if (!repo.tags) {
    HOIST_TRY_ASSIGN(auto tags, repo.api->ListTags());
    repo.tags.emplace(tags.begin(), tags.end());
  }
  return Ok();
}

std::optional<std::vector<Descriptor>> AttachedLookup::QueryReferrers(const registry::Repository& repo,
                                                                      const std::string& domain,
                                                                      const Digest& subject) {
  {
    std::lock_guard lock(mu_);
    auto it = referrers_api_.find(domain);
    if (it != referrers_api_.end() && !it->second) return std::nullopt;
  }
  registry::Request req;
  req.url = repo.Url("/referrers/" + subject.str());
  req.SetHeader("Accept", std::string(kOciIndex));
  req.max_buffered_body = kMaxManifestSize;
  auto resp = repo.http().Do(req);
  // Failures count as no referrers, as a plain copy (RegistrySource::ListAttached) treats them.
  if (!resp.ok()) return std::vector<Descriptor>();
  if (resp->status == 404) {
    std::lock_guard lock(mu_);
    referrers_api_[domain] = false;
    return std::nullopt;
  }
  if (resp->status != 200) return std::vector<Descriptor>();
  auto index = Index::Parse(std::move(resp->body), kOciIndex);
  if (!index.ok()) return std::vector<Descriptor>();
  std::lock_guard lock(mu_);
  referrers_api_[domain] = true;
  return index->manifests();
}

Result<std::vector<ImageSource::Attached>> AttachedLookup::Find(const Reference& source, const Descriptor& subject,
                                                                bool signatures, bool referrers) {
  auto entry = Entry(Key(source));
  std::optional<registry::Repository> api;
  std::vector<std::string> present;  // attached tags the repository holds
  const std::string referrers_tag = registry::ReferrersTag(subject.digest);
  {
    std::lock_guard lock(entry->mu);
    HOIST_TRY(Load(*entry, source));
    api = entry->api;
    if (signatures) {
      for (const auto& tag : CosignTags(subject.digest)) {
        if (entry->tags->count(tag)) present.push_back(tag);
      }
    }
    if (referrers && entry->tags->count(referrers_tag)) present.push_back(referrers_tag);
  }
  std::vector<ImageSource::Attached> out;
  bool have_referrers_tag = false;
  for (const auto& tag : present) {
    HOIST_TRY_ASSIGN(auto info, api->HeadManifest(tag));
    if (!info) continue;  // removed since the listing
    Descriptor d;
    d.media_type = info->media_type;
    d.digest = info->digest;
    d.size = info->size;
    if (tag == referrers_tag) have_referrers_tag = true;
    out.push_back(ImageSource::Attached{tag, d});
  }
  if (referrers && !have_referrers_tag) {
    // A registry with the referrers API keeps no tag: copy each referrer by digest.
    if (auto found = QueryReferrers(*api, source.domain(), subject.digest)) {
      for (auto& d : *found) out.push_back(ImageSource::Attached{"", std::move(d)});
    }
  }
  return out;
}

}  // namespace hoist::transfer::mirror
