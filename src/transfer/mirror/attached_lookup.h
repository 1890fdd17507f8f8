#pragma once
// Finds the manifests attached to a mirrored image (cosign sha256-<hex>.sig/.att/.sbom tags, the
// referrers tag sha256-<hex>, OCI referrers) without probing every candidate tag of every image:
// each source repository's tag list is read once per run (the listing that picked the images is
// reused) and only the attached tags it holds are looked up. Whether a registry has the OCI
// referrers API is learnt once per registry (a registry that has it answers 200 for any digest,
// so one 404 means it has none). One run's view: a signature pushed upstream after the listing
// travels with the next run.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/reference.h"
#include "registry/client/repository.h"
#include "transfer/endpoints.h"
#include "transfer/image_source.h"

namespace hoist::transfer::mirror {

class AttachedLookup {
 public:
  explicit AttachedLookup(const Endpoints& endpoints) : endpoints_(endpoints) {}

  // Tags already listed for a repository (saves listing it again); `key` as Key() makes it.
  void Seed(const std::string& key, const std::vector<std::string>& tags);
  // A repository not seeded is listed only when allowed here (worth it for several images of a
  // repository; for one image of a repository with thousands of tags, probing is cheaper).
  void AllowListing(const std::string& key);
  // "host/repository" of a reference.
  static std::string Key(const Reference& ref) { return ref.domain() + "/" + ref.repository(); }

  // The manifests attached to `subject`, which lives in `source`'s repository: cosign tags when
  // `signatures`, the referrers tag or the referrers API when `referrers`. An error when the
  // repository's tags cannot or may not be listed (the caller then probes each tag instead).
  // Thread-safe.
  Result<std::vector<ImageSource::Attached>> Find(const Reference& source, const Descriptor& subject,
                                                  bool signatures, bool referrers);

 private:
  struct Repo {
    std::mutex mu;  // held while listing, so a repository is listed once
    std::optional<registry::Repository> api;
    std::optional<std::set<std::string>> tags;
  };
  std::shared_ptr<Repo> Entry(const std::string& key);
  Status Load(Repo& repo, const Reference& ref);
  // nullopt when the registry has no referrers API (remembered per registry).
  std::optional<std::vector<Descriptor>> QueryReferrers(const registry::Repository& repo, const std::string& domain,
                                                        const Digest& subject);

  const Endpoints& endpoints_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Repo>> repos_;  // by "host/repository"
  std::map<std::string, bool> referrers_api_;           // by registry domain, once known
  std::set<std::string> listable_;                      // keys that may be listed
};

}  // namespace hoist::transfer::mirror
