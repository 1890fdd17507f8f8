#include "builder/base_images.h"

namespace hoist::builder {

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

Platform BuildKitPlatform(const Platform& p) {
  Platform n = p.Normalized();
  if (n.architecture == "arm64" && n.variant == "v8") n.variant.clear();
  return n;
}

Result<std::vector<Platform>> ParseBuildPlatforms(const std::string& text) {
  std::vector<Platform> out;
  if (text.empty()) return std::vector<Platform>{BuildKitPlatform(Platform::Host())};
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string one = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    auto p = Platform::Parse(one);
    if (!p.ok()) return std::move(p).error().WithContext("--platform");
    Platform want = BuildKitPlatform(*p);
    for (const auto& have : out) {
      if (have == want) return InvalidArgument("--platform names " + want.str() + " twice");
    }
    out.push_back(std::move(want));
    if (out.size() > kMaxBuildPlatforms) {
      return InvalidArgument("--platform names more than " + std::to_string(kMaxBuildPlatforms) +
                        " platforms (kMaxBuildPlatforms)");
    }
  }
  return out;
}

Result<container::StoredImage> LoadBaseImage(const store::OciLayout& layout, const std::string& name,
                                             const PullFunction& pull, bool pull_always, const Platform& platform) {
  auto fetch = [&]() -> Result<container::StoredImage> {
    auto ref = Reference::Parse(name);
    if (!ref.ok()) return std::move(ref).error().WithContext("image " + name);
    Status pulled = pull(*ref, platform);
    if (!pulled.ok()) return NotInStore(*ref, std::move(pulled).error());
    return container::LoadStoredImage(layout, ref->str(), platform);
  };
  // --pull fetches even an image the store has, so a moved tag is seen; else only a missing one.
  auto image = pull_always && pull ? fetch() : container::LoadStoredImage(layout, name, platform);
  if (!image.ok() && image.error().code() == ErrorCode::kNotFound && pull && !pull_always) image = fetch();
  return image;
}

}  // namespace hoist::builder
