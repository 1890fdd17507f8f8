#pragma once
// `hoist flatten`: an image's layers squashed into one (crane flatten): whiteouts applied as
// `hoist export` applies them (store/flatten.h), every layer read checked against its digest and
// its diff_id. The history is kept, each entry marked as an empty layer, plus one entry for the
// flattened layer; each image of an index is flattened on its own.

#include <string>
#include <vector>

#include "core/error.h"
#include "core/platform.h"
#include "edit/edited_image.h"
#include "edit/new_layer.h"
#include "transfer/image_source.h"

namespace hoist::edit {

struct FlattenOptions {
  LayerOptions layer;               // compression of the new layer
  std::string spool;                // where the new layers wait (a Spool's path)
  std::string created;              // RFC 3339 time of the new history entry
  std::vector<Platform> platforms;  // of an index: these images only (empty: every image)
};

Result<EditedImage> Flatten(transfer::ImageSource& source, const FlattenOptions& options);

}  // namespace hoist::edit
