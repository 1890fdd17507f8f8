#pragma once
// `hoist append`: new layers on top of an image (or of each image of an index), as `crane append`:
// each layer's diff_id and a history entry go into the config; the old layers are untouched.

#include <string>
#include <vector>

#include "core/error.h"
#include "core/platform.h"
#include "edit/edited_image.h"
#include "edit/new_layer.h"
#include "transfer/image_source.h"

namespace hoist::edit {

struct AppendOptions {
  std::vector<NewLayer> layers;    // made by MakeLayer, bottom first
  std::vector<std::string> names;  // what each was made from (the history's created_by)
  std::string created;             // RFC 3339 time of the history entries
  std::vector<Platform> platforms;  // of an index: these images only (empty: every image)
};

// A Docker schema 2 image cannot hold a zstd layer: refused (kUnsupported) with the way out.
Result<EditedImage> Append(transfer::ImageSource& source, const AppendOptions& options);

}  // namespace hoist::edit
