#include "build/builder/base_images.h"

namespace hoist::build::builder {

namespace {

// The request line ("GET https://…/v2/…: ") left out: what failed, as curl or the registry said it.
std::string WithoutRequest(const std::string& message) {
  if (message.rfind("GET ", 0) != 0 && message.rfind("HEAD ", 0) != 0) return message;
  size_t end = message.find(": ");
  return end == std::string::npos ? message : message.substr(end + 2);
}

// A base image the store lacks and the pull could not bring: say both, in one line.
Error NotInStore(const Reference& ref, Error pulled) {
  const std::string image = "image " + ref.Familiar() + " is not in the store";
  switch (pulled.code()) {
    case ErrorCode::kNetwork:
    case ErrorCode::kTimeout:
      return Error(pulled.code(), image + " and the registry " + ref.domain() + " could not be reached (" +
                                      WithoutRequest(pulled.message()) + ")");
    case ErrorCode::kNotFound:
      if (pulled.registry()) {
        return Error(pulled.code(), image + " nor in the registry " + ref.domain() + " (" +
                                        WithoutRequest(pulled.message()) + ")");
      }
      [[fallthrough]];
    default: return std::move(pulled).WithContext(image + "; pulling it");
  }
}

}  // namespace

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

Result<StoredImage> LoadBaseImage(const store::OciLayout& layout, const std::string& name, const PullFunction& pull,
                                  bool pull_always) {
  auto fetch = [&]() -> Result<StoredImage> {
    auto ref = Reference::Parse(name);
    if (!ref.ok()) return std::move(ref).error().WithContext("image " + name);
    Status pulled = pull(*ref);
    if (!pulled.ok()) return NotInStore(*ref, std::move(pulled).error());
    return LoadStoredImage(layout, ref->str());
  };
  // --pull fetches even an image the store has, so a moved tag is seen; else only a missing one.
  auto image = pull_always && pull ? fetch() : LoadStoredImage(layout, name);
  if (!image.ok() && image.error().code() == ErrorCode::kNotFound && pull && !pull_always) image = fetch();
  if (!image.ok()) return image;
  Platform host = Platform::Host();
  Platform have = image->config.platform().Normalized();
  if (have.os != host.os || have.architecture != host.architecture) {
    return Unsupported("image " + name + " is for " + have.str() + "; hoist build only builds for " + host.str());
  }
  return image;
}

}  // namespace hoist::build::builder
