#pragma once
// Tag and catalog listings page by page, for output that streams (`hoist tags`, `hoist catalog`):
// each page is handed out before the next is asked for, so a listing of any length runs in the
// memory of one page. Repository::ListTags and RegistryApi::Catalog keep the whole list, up to
// kMaxListEntries names.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "registry/client/registry_api.h"
#include "registry/client/repository.h"

namespace hoist::registry {

// The most entries of a tag list or catalog kept in memory whole (ListTags, Catalog: copy --all-tags,
// mirror, inspect's RepoTags): tens of MiB of names at most. Streamed listings have no such cap.
inline constexpr size_t kMaxListEntries = 250'000;

// One page of a listing; an error stops the listing and is what the listing returns.
using ListPageFn = std::function<Status(std::vector<std::string> entries)>;

Status ForEachTagPage(const Repository& repo, const ListOptions& options, const ListPageFn& on_page);
Status ForEachCatalogPage(const RegistryApi& api, const ListOptions& options, const ListPageFn& on_page);

}  // namespace hoist::registry
