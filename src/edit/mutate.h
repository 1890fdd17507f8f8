#pragma once
// `hoist mutate`: a new config and manifest for an image (or for each image of an index), layers
// untouched (image_rewrite.h keeps everything else byte for byte).

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/platform.h"
#include "edit/config_changes.h"
#include "edit/edited_image.h"
#include "transfer/image_source.h"

namespace hoist::edit {

struct MutateOptions {
  ConfigChanges config;
  // Set on the top document: the manifest, or the index when the source names one.
  std::map<std::string, std::string> annotations;
  // Which images of an index get the config changes (empty: every image; attestations never).
  // With a single image, it must be for one of them.
  std::vector<Platform> platforms;
};

// Refused (kInvalidArgument) when nothing would change; kNotFound when no image of an index
// matches `platforms`.
Result<EditedImage> Mutate(transfer::ImageSource& source, const MutateOptions& options);

}  // namespace hoist::edit
