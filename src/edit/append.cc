#include "edit/append.h"

#include "edit/image_rewrite.h"

namespace hoist::edit {

Result<EditedImage> Append(transfer::ImageSource& source, const AppendOptions& options) {
  if (options.layers.empty()) return InvalidArgument("append needs at least one --layer");
  RewriteOptions r;
  r.platforms = options.platforms;
  r.edit = [&](const Manifest& manifest, ImageParts& image, EditedImage& out) -> Status {
    ImageConfig& config = image.config;
    std::vector<Descriptor>& layers = image.layers;
    for (size_t i = 0; i < options.layers.size(); ++i) {
      const NewLayer& l = options.layers[i];
      HOIST_TRY_ASSIGN(std::string media_type, LayerMediaType(manifest.media_type(), l.compression));
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
