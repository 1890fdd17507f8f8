#include "container/stored_image.h"

#include "core/media_types.h"
#include "store/image_lookup.h"

namespace hoist::container {

namespace {

Result<StoredImage> FromManifest(const store::OciLayout& layout, Descriptor desc, std::string arg,
                                 std::optional<Reference> name, const std::optional<Platform>& platform) {
  HOIST_TRY_ASSIGN(std::string raw, layout.ReadBlob(desc.digest, kMaxManifestSize));
  HOIST_TRY_ASSIGN(AnyManifest any, ParseAnyManifest(std::move(raw), desc.media_type));
  if (const auto* index = std::get_if<Index>(&any)) {
    Platform want = platform.value_or(Platform::Host());
    const Descriptor* child = index->FindManifest(want);
    if (child == nullptr || !layout.HasBlob(child->digest)) {
      return NotFound(arg + " has no manifest for " + (platform ? "the platform " : "this machine's platform ") +
                      want.str() + " in the store");
    }
    desc = *child;
    HOIST_TRY_ASSIGN(std::string child_raw, layout.ReadBlob(child->digest, kMaxManifestSize));
    HOIST_TRY_ASSIGN(any, ParseAnyManifest(std::move(child_raw), child->media_type));
  }
  auto* manifest = std::get_if<Manifest>(&any);
  if (manifest == nullptr) return Unsupported(arg + ": an index inside an index cannot be run");
  HOIST_TRY_ASSIGN(std::string config_raw, layout.ReadBlob(manifest->config().digest, kMaxConfigSize));
  HOIST_TRY_ASSIGN(ImageConfig config, ImageConfig::Parse(std::move(config_raw)));
  HOIST_TRY(config.CheckLayers(manifest->layers().size()));
  if (platform && !config.platform().Matches(*platform)) {
    return NotFound(arg + " is an image for " + config.platform().str() + ", not " + platform->str());
  }
  desc.media_type = manifest->media_type();
  return StoredImage{std::move(arg), std::move(name), std::move(desc), std::move(*manifest), std::move(config)};
}

}  // namespace

Result<StoredImage> LoadStoredImage(const store::OciLayout& layout, const std::string& arg,
                                    const std::optional<Platform>& platform) {
  HOIST_TRY_ASSIGN(auto found, store::FindImage(layout, arg));
  auto image = FromManifest(layout, found.descriptor, arg, found.name, platform);
  if (!image.ok()) return std::move(image).error().WithContext("image " + arg);
  return image;
}

Result<StoredImage> LoadStoredManifest(const store::OciLayout& layout, const Digest& manifest, std::string arg) {
  Descriptor d;
  d.digest = manifest;
  d.media_type = "";  // taken from the document itself
  HOIST_TRY_ASSIGN(d.size, layout.BlobSize(manifest));
  auto image = FromManifest(layout, d, arg, std::nullopt, std::nullopt);
  if (!image.ok()) return std::move(image).error().WithContext("image " + arg);
  return image;
}

Status UnpackStoredImage(const store::OciLayout& layout, const StoredImage& image, const std::string& dir,
                         const UnpackOptions& options) {
  HOIST_TRY_ASSIGN(RootDir root, RootDir::Open(dir));
  const auto& layers = image.manifest.layers();
  for (size_t i = 0; i < layers.size(); ++i) {
    const Descriptor& layer = layers[i];
    std::string what = "layer " + std::to_string(i + 1) + "/" + std::to_string(layers.size()) + " (" +
                       layer.digest.str() + ")";
    if (!IsLayer(layer.media_type)) return Unsupported(what + " has media type " + layer.media_type);
    HOIST_TRY_ASSIGN(auto blob, layout.OpenBlob(layer.digest));
    DigestingReader verified(*blob, layer.digest.algorithm());
    auto stats = ApplyLayer(root, verified, options);
    if (!stats.ok()) return std::move(stats).error().WithContext("unpacking " + what);
    // Drain what the decompressor did not need, so the whole blob is verified.
    char buf[8192];
    for (;;) {
      HOIST_TRY_ASSIGN(size_t n, verified.Read(buf, sizeof buf));
      if (n == 0) break;
    }
    auto ok = verified.Verify(layer.digest, layer.size);
    if (!ok.ok()) return std::move(ok).error().WithContext(what);
    if (stats->diff_id != image.config.diff_ids()[i]) {
      return DigestMismatch(what + ": uncompressed content is " + stats->diff_id.str() + " but the config says " +
                            image.config.diff_ids()[i].str());
    }
  }
  return Ok();
}

}  // namespace hoist::container
