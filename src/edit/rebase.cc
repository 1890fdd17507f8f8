#include "edit/rebase.h"

#include "core/media_types.h"
#include "edit/image_read.h"
#include "edit/image_rewrite.h"

namespace hoist::edit {

namespace {

struct BaseImage {
  Descriptor manifest;
  std::vector<Descriptor> layers;
  ImageConfig config;
};

// The image of `base` for `platform` (the base itself when it is a single image).
Result<BaseImage> ResolveBase(transfer::ImageSource& base, const Platform& platform) {
  HOIST_TRY_ASSIGN(AnyManifest top, ReadDocument(base, std::nullopt));
  if (const auto* index = std::get_if<Index>(&top)) {
    const Descriptor* child = index->FindManifest(platform);
    if (child == nullptr) return NotFound(base.Describe() + " has no image for " + platform.str());
    HOIST_TRY_ASSIGN(top, ReadDocument(base, child->digest));
  }
  const auto* image = std::get_if<Manifest>(&top);
  if (image == nullptr) return Unsupported(base.Describe() + " names an index of indexes, not an image");
  HOIST_TRY_ASSIGN(ImageConfig config, ReadConfig(base, *image));
  return BaseImage{image->ToDescriptor(), image->layers(), std::move(config)};
}

// A base layer named in the rebased manifest's media-type family (the same bytes), never mixed.
Result<Descriptor> InFamily(Descriptor layer, const std::string& manifest_media_type) {
  const bool docker = IsDocker(manifest_media_type);
  if (IsDocker(layer.media_type) == docker) return layer;
  const std::string& t = layer.media_type;
  if (t == kDockerLayerGzip || t == kOciLayerGzip) layer.media_type = docker ? kDockerLayerGzip : kOciLayerGzip;
  else if (t == kDockerLayerTar || t == kOciLayerTar) layer.media_type = docker ? kDockerLayerTar : kOciLayerTar;
  else {
    return Unsupported("the new base's layer " + layer.digest.str() + " (" + t + ") has no equivalent in " +
                       manifest_media_type + ": convert the image or the base first (hoist --format oci|v2s2 copy)");
  }
  return layer;
}

}  // namespace

Result<EditedImage> Rebase(transfer::ImageSource& source, const RebaseOptions& options) {
  RewriteOptions r;
  r.platforms = options.platforms;
  r.edit = [&](const Manifest& manifest, ImageParts& image, EditedImage& out) -> Status {
    const Platform platform = image.config.platform();
    HOIST_TRY_ASSIGN(BaseImage old_base, ResolveBase(*options.old_base, platform));
    HOIST_TRY_ASSIGN(BaseImage new_base, ResolveBase(*options.new_base, platform));
    const size_t n = old_base.layers.size();
    if (n > image.layers.size()) {
      return Error(ErrorCode::kConflict, "the old base " + options.old_base->Describe() + " has " + std::to_string(n) +
                                             " layers but " + source.Describe() + " only " +
                                             std::to_string(image.layers.size()) + ": it is not built on it");
    }
    for (size_t i = 0; i < n; ++i) {
      if (image.layers[i].digest != old_base.layers[i].digest) {
        return Error(ErrorCode::kConflict, source.Describe() + " is not built on the old base " +
                                               options.old_base->Describe() + ": its layer " + std::to_string(i) +
                                               " is " + image.layers[i].digest.str() + ", the old base's is " +
                                               old_base.layers[i].digest.str());
      }
    }
    std::vector<Descriptor> layers;
    for (const auto& l : new_base.layers) {
      HOIST_TRY_ASSIGN(Descriptor d, InFamily(l, manifest.media_type()));
      layers.push_back(d);
      out.elsewhere[l.digest] = options.new_base;
    }
    layers.insert(layers.end(), image.layers.begin() + static_cast<std::ptrdiff_t>(n), image.layers.end());
    std::vector<Digest> diff_ids = new_base.config.diff_ids();
    const auto& own = image.config.diff_ids();
    diff_ids.insert(diff_ids.end(), own.begin() + static_cast<std::ptrdiff_t>(std::min(n, own.size())), own.end());
    std::vector<HistoryEntry> history = new_base.config.history();
    const auto& own_history = image.config.history();
    const size_t skip = std::min(old_base.config.history().size(), own_history.size());
    history.insert(history.end(), own_history.begin() + static_cast<std::ptrdiff_t>(skip), own_history.end());
    image.layers = std::move(layers);
    image.config.set_diff_ids(std::move(diff_ids));
    image.config.set_history(std::move(history));
    if (!options.new_base_name.empty()) image.annotations[kBaseNameAnnotation] = options.new_base_name;
    image.annotations[kBaseDigestAnnotation] = new_base.manifest.digest.str();
    return Ok();
  };
  return RewriteImages(source, r);
}

}  // namespace hoist::edit
