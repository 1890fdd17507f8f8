#include "transfer/mirror/destination_repos.h"

namespace hoist::transfer::mirror {

Result<DestinationRepos::Opened> DestinationRepos::Open(const Reference& ref,
                                                        const std::vector<std::string>& mount_from) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mu_);
    auto& slot = repos_[ref.domain() + "/" + ref.repository()];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  std::lock_guard lock(entry->mu);
  if (entry->opened) return *entry->opened;
  if (!endpoints_.client) return Internal("no registry client for " + ref.str());
  HOIST_TRY_ASSIGN(registry::Repository repo, endpoints_.client->OpenRepository(ref, access_, mount_from));
  std::shared_ptr<const std::set<std::string>> tags;
  auto listed = repo.ListTags();
  if (listed.ok()) {
    tags = std::make_shared<const std::set<std::string>>(listed->begin(), listed->end());
  } else if (listed.error().code() == ErrorCode::kNotFound) {
    tags = std::make_shared<const std::set<std::string>>();  // no such repository yet
  }  // else unknown: every image asks with a HEAD
  entry->opened = Opened{std::move(repo), std::move(tags)};
  return *entry->opened;
}

}  // namespace hoist::transfer::mirror
