#include "build/builder/base_images.h"

namespace hoist::build::builder {

Status CheckNativePlatform(const std::string& text, const std::string& what) {
  if (text.empty()) return Ok();
  auto platform = Platform::Parse(text);
  if (!platform.ok()) return std::move(platform).error().WithContext(what);
  Platform host = Platform::Host();
  if (!host.Matches(platform->Normalized())) {
    return Unsupported(what + ": hoist build only builds for this machine's platform " + host.str() + ", not " +
                       platform->str());
  }
  return Ok();
}

Result<StoredImage> LoadBaseImage(const store::OciLayout& layout, const std::string& name, const PullFunction& pull) {
  auto image = LoadStoredImage(layout, name);
  if (!image.ok() && image.error().code() == ErrorCode::kNotFound && pull) {
    auto ref = Reference::Parse(name);
    if (!ref.ok()) return std::move(ref).error().WithContext("image " + name);
    HOIST_TRY(pull(*ref));
    image = LoadStoredImage(layout, ref->str());
  }
  if (!image.ok()) return image;
  Platform host = Platform::Host();
  Platform have = image->config.platform().Normalized();
  if (have.os != host.os || have.architecture != host.architecture) {
    return Unsupported("image " + name + " is for " + have.str() + "; hoist build only builds for " + host.str());
  }
  return image;
}

}  // namespace hoist::build::builder
