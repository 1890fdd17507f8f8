#pragma once
// The destination registry of a mirror, shared by every image of one run: one Repository (one
// auth transport, so one token and at most a few auth probes) per destination repository, and
// each repository's tags listed once at first use, so an image whose tag is not there yet is
// known to be missing without a manifest HEAD (a fresh mirror asks one tags/list per repository
// instead of one HEAD per image).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/reference.h"
#include "registry/client/repository.h"
#include "registry/registry_client.h"
#include "transfer/endpoints.h"

namespace hoist::transfer::mirror {

class DestinationRepos {
 public:
  DestinationRepos(const Endpoints& endpoints, registry::Access access) : endpoints_(endpoints), access_(access) {}

  struct Opened {
    registry::Repository repo;
    // The tags the repository had when first opened; null when they could not be listed.
    std::shared_ptr<const std::set<std::string>> tags;
  };
  // `mount_from`: repositories on the same registry whose pull scope the token should carry (the
  // first image opening a repository decides). Thread-safe.
  Result<Opened> Open(const Reference& ref, const std::vector<std::string>& mount_from = {});

 private:
  struct Entry {
    std::mutex mu;  // held while opening and listing
    std::optional<Opened> opened;
  };
  const Endpoints& endpoints_;
  registry::Access access_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> repos_;  // by "host/repository"
};

}  // namespace hoist::transfer::mirror
