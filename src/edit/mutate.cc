#include "edit/mutate.h"

#include "edit/image_rewrite.h"

namespace hoist::edit {

Result<EditedImage> Mutate(transfer::ImageSource& source, const MutateOptions& options) {
  if (options.config.empty() && options.annotations.empty()) {
    return InvalidArgument("nothing to change: give at least one of --label, --annotation, --env, --entrypoint, "
                           "--cmd, --workdir, --user, --exposed-ports, --created, --set-platform, --drop-history");
  }
  RewriteOptions r;
  r.annotations = options.annotations;
  r.platforms = options.platforms;
  if (!options.config.empty()) {
    r.edit = [&](const Manifest&, ImageParts& image, EditedImage&) -> Status {
      ApplyConfigChanges(options.config, image.config);
      return Ok();
    };
  }
  return RewriteImages(source, r);
}

}  // namespace hoist::edit
