#include "transfer/mirror/image_list.h"

#include <algorithm>
#include <map>

#include "transfer/mirror/tag_filter.h"

namespace hoist::transfer::mirror {

namespace {

Result<Location> SourceOf(const std::string& host, const std::string& repo, const std::string& ref) {
  const bool digest = ref.find(':') != std::string::npos;
  HOIST_TRY_ASSIGN(Reference r, Reference::Parse(host + "/" + repo + (digest ? "@" : ":") + ref));
  Location l;
  l.kind = LocationKind::kRegistry;
  l.ref = std::move(r);
  return l;
}

}  // namespace

ImageList ResolveImages(const MirrorConfig& config, const Endpoints& endpoints, const Shard& shard) {
  ImageList out;
  std::map<std::string, MirrorImage> by_name;
  for (const auto& reg : config.registries) {
    std::map<std::string, std::vector<std::string>> tag_lists;  // one listing per repository
    for (const auto& sel : reg.selections) {
      const std::string where = "docker://" + reg.host + "/" + sel.repository;
      std::vector<std::string> available;
      if (NeedsTagList(sel, reg.hoist)) {
        auto it = tag_lists.find(sel.repository);
        if (it == tag_lists.end()) {
          auto loc = SourceOf(reg.host, sel.repository, "latest");
          Result<std::vector<std::string>> tags =
              loc.ok() ? ListSourceTags(*loc, endpoints) : Result<std::vector<std::string>>(loc.error());
          if (!tags.ok()) {
            out.failures.push_back({where, tags.error().message()});
            continue;
          }
          out.tag_listings[loc->ref->domain() + "/" + loc->ref->repository()] = *tags;
          it = tag_lists.emplace(sel.repository, std::move(tags).value()).first;
        }
        available = it->second;
      }
      auto picked = SelectTags(sel, reg.hoist, available);
      if (!picked.ok()) {
        out.failures.push_back({where, picked.error().message()});
        continue;
      }
      for (const auto& ref : *picked) {
        auto src = SourceOf(reg.host, sel.repository, ref);
        if (!src.ok()) {
          out.failures.push_back({where + ":" + ref, src.error().message()});
          continue;
        }
        MirrorImage im;
        im.source = *src;
        // docker.io/alpine is docker.io/library/alpine: name it by its normalized path.
        im.repository = RewriteRepository(reg.hoist, src->ref->repository());
        if (ref.find(':') != std::string::npos) im.digest = ref;
        else im.tag = ref;
        im.platforms.all = reg.hoist.platforms.empty();
        im.platforms.platforms = reg.hoist.platforms;
        im.signatures = reg.hoist.signatures;
        im.referrers = reg.hoist.referrers;
        if (!shard.Contains(im.name())) continue;
        by_name.emplace(im.name(), std::move(im));  // the first selection naming it wins
      }
    }
  }
  for (auto& [name, im] : by_name) out.images.push_back(std::move(im));
  return out;
}

}  // namespace hoist::transfer::mirror
