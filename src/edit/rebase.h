#pragma once
// `hoist rebase`: swap an image's base layers (crane rebase). The image's bottom layers must be
// exactly OLD's (same digests, in order), else it is refused (kConflict) naming the first layer
// that differs; they are replaced by NEW's layers, and NEW's history and diff_ids replace OLD's in
// the config. The rest of the config (env, cmd, labels …) stays the image's. The manifest gets the
// org.opencontainers.image.base.name and .base.digest annotations naming NEW. OLD and NEW may be
// indexes: the image for the rebased image's platform is used.

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/platform.h"
#include "edit/edited_image.h"
#include "transfer/image_source.h"

namespace hoist::edit {

inline constexpr const char* kBaseNameAnnotation = "org.opencontainers.image.base.name";
inline constexpr const char* kBaseDigestAnnotation = "org.opencontainers.image.base.digest";

struct RebaseOptions {
  std::shared_ptr<transfer::ImageSource> old_base;
  std::shared_ptr<transfer::ImageSource> new_base;
  std::string new_base_name;        // the base.name annotation ("" leaves it out)
  std::vector<Platform> platforms;  // of an index: these images only (empty: every image)
};

Result<EditedImage> Rebase(transfer::ImageSource& source, const RebaseOptions& options);

}  // namespace hoist::edit
