#include "edit/append.h"

#include "core/media_types.h"
#include "edit/image_rewrite.h"

namespace hoist::edit {

namespace {

Result<std::string> LayerMediaType(const Manifest& manifest, Compression c) {
  const bool docker = IsDocker(manifest.media_type());
  switch (c) {
    case Compression::kNone: return std::string(docker ? kDockerLayerTar : kOciLayerTar);
    case Compression::kGzip: return std::string(docker ? kDockerLayerGzip : kOciLayerGzip);
    case Compression::kZstd:
      if (docker) {
        return Unsupported("a Docker schema 2 image cannot hold a zstd layer: use --compress gzip, or convert the "
                           "image first (hoist --format oci copy SRC DST)");
      }
      return std::string(kOciLayerZstd);
  }
  return Internal("unknown compression");
}

}  // namespace

Result<EditedImage> Append(transfer::ImageSource& source, const AppendOptions& options) {
  if (options.layers.empty()) return InvalidArgument("append needs at least one --layer");
  RewriteOptions r;
  r.platforms = options.platforms;
  r.edit = [&](const Manifest& manifest, ImageConfig& config, std::vector<Descriptor>& layers,
               EditedImage& out) -> Status {
    for (size_t i = 0; i < options.layers.size(); ++i) {
      const NewLayer& l = options.layers[i];
      HOIST_TRY_ASSIGN(std::string media_type, LayerMediaType(manifest, l.compression));
      Descriptor d;
      d.media_type = media_type;
      d.digest = l.digest;
      d.size = l.size;
      layers.push_back(d);
      out.files[l.digest] = l.path;
      HistoryEntry h;
      h.created = options.created;
      h.created_by = "hoist append " + (i < options.names.size() ? options.names[i] : std::string());
      config.AddLayer(l.diff_id, h);
    }
    return Ok();
  };
  return RewriteImages(source, r);
}

}  // namespace hoist::edit
