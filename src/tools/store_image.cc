#include "tools/store_image.h"

#include "core/image_config.h"
#include "core/media_types.h"

namespace hoist::tools {

Result<StoreImage> LoadStoreImage(const store::OciLayout& layout, const std::string& arg,
                                  const std::optional<Platform>& platform) {
  HOIST_TRY_ASSIGN(auto found, store::FindImage(layout, arg));
  HOIST_TRY_ASSIGN(std::string top_raw, layout.ReadBlob(found.descriptor.digest, kMaxManifestSize));
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(top_raw, found.descriptor.media_type));
  Descriptor chosen = found.descriptor;
  if (const auto* index = std::get_if<Index>(&any)) {
    Platform want = platform ? *platform : Platform::Host();
    const Descriptor* child = index->FindManifest(want);
    if (!child || !layout.HasBlob(child->digest)) {
      std::string stored;
      for (const auto& m : index->manifests()) {
        if (!m.platform || !layout.HasBlob(m.digest)) continue;
        if (!stored.empty()) stored += ", ";
        stored += m.platform->str();
      }
      return NotFound(arg + " has no manifest for platform " + want.str() + " in the store (stored: " +
                      (stored.empty() ? std::string("none") : stored) + "; use --platform)");
    }
    chosen = *child;
    HOIST_TRY_ASSIGN(std::string raw, layout.ReadBlob(child->digest, kMaxManifestSize));
    HOIST_TRY_ASSIGN(any, ParseAnyManifest(std::move(raw), child->media_type));
  }
  auto* manifest = std::get_if<Manifest>(&any);
  if (!manifest) return Unsupported(arg + ": an index inside an index is not supported here");
  HOIST_TRY_ASSIGN(std::string config_raw, layout.ReadBlob(manifest->config().digest, kMaxConfigSize));
  return StoreImage{std::move(found), std::move(top_raw), std::move(chosen), std::move(*manifest),
                    std::move(config_raw)};
}

}  // namespace hoist::tools
