#include "serve/manifest_info.h"

#include <variant>

#include "core/manifest.h"

namespace hoist::serve {

Result<ManifestInfo> ManifestInfoCache::Get(const store::OciLayout& layout, const Digest& d) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(d); it != cache_.end()) return it->second;
  }
  HOIST_TRY_ASSIGN(std::string raw, layout.ReadBlob(d, kMaxManifestSize));
  ManifestInfo info;
  info.size = static_cast<int64_t>(raw.size());
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(std::move(raw)));
  if (const auto* m = std::get_if<Manifest>(&any)) {
    info.media_type = m->media_type();
    if (m->subject()) info.subject = m->subject()->digest;
    info.artifact_type = m->artifact_type().empty() ? m->config().media_type : m->artifact_type();
    info.annotations = m->annotations();
  } else {
    const auto& i = std::get<Index>(any);
    info.media_type = i.media_type();
    if (i.subject()) info.subject = i.subject()->digest;
    info.artifact_type = i.artifact_type();
    info.annotations = i.annotations();
  }
  std::lock_guard<std::mutex> lock(mu_);
  cache_.emplace(d, info);
  return info;
}

}  // namespace hoist::serve
