#include "edit/flatten.h"

#include "edit/image_rewrite.h"
#include "store/flatten.h"

namespace hoist::edit {

Result<EditedImage> Flatten(transfer::ImageSource& source, const FlattenOptions& options) {
  RewriteOptions r;
  r.platforms = options.platforms;
  int made = 0;
  r.edit = [&](const Manifest& manifest, ImageParts& image, EditedImage& out) -> Status {
    ImageConfig& config = image.config;
    std::vector<Descriptor>& layers = image.layers;
    HOIST_TRY_ASSIGN(std::string media_type, LayerMediaType(manifest.media_type(), options.layer.compression));
    const std::vector<Descriptor> old = layers;
    const std::vector<Digest> diff_ids = config.diff_ids();
    auto open = [&](size_t i) -> Result<std::unique_ptr<Reader>> {
      HOIST_TRY_ASSIGN(auto raw, source.GetBlob(old[i], 0));
      return store::LayerTarFrom(std::move(raw), old[i], diff_ids[i]);
    };
    const std::string path = options.spool + "/flat-" + std::to_string(made++);
    HOIST_TRY_ASSIGN(NewLayer flat, WriteLayer(path, options.layer, [&](Writer& tar) -> Status {
      return store::FlattenLayers(old.size(), open, tar);
    }));
    std::vector<HistoryEntry> history = config.history();
    for (auto& h : history) h.empty_layer = true;
    config.set_history(std::move(history));
    config.set_diff_ids({});
    HistoryEntry entry;
    entry.created = options.created;
    entry.created_by = "hoist flatten";
    config.AddLayer(flat.diff_id, entry);
    Descriptor d;
    d.media_type = media_type;
    d.digest = flat.digest;
    d.size = flat.size;
    layers = {d};
    out.files[flat.digest] = flat.path;
    return Ok();
  };
  return RewriteImages(source, r);
}

}  // namespace hoist::edit
