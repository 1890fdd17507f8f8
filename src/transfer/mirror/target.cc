#include "transfer/mirror/target.h"

#include "core/reference.h"

namespace hoist::transfer::mirror {

std::string Target::str() const {
  if (kind == Kind::kBundle) return "dir:" + dir;
  return "docker://" + host + (prefix.empty() ? "" : "/" + prefix);
}

Result<Target> ParseTarget(std::string_view text) {
  Target t;
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.rfind("dir:", 0) == 0) {
    t.kind = Target::Kind::kBundle;
    t.dir = std::string(text.substr(4));
    if (t.dir.empty()) return InvalidArgument(quoted + ": dir: needs a directory");
    return t;
  }
  if (text.rfind("docker://", 0) != 0) {
    return InvalidArgument(quoted + " is neither docker://HOST[/PREFIX] nor dir:BUNDLE");
  }
  std::string rest(text.substr(9));
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t slash = rest.find('/');
  t.host = rest.substr(0, slash);
  if (slash != std::string::npos) t.prefix = rest.substr(slash + 1);
  if (!Reference::ValidateDomain(t.host).ok()) return InvalidArgument(quoted + ": \"" + t.host + "\" is not a registry host");
  if (!t.prefix.empty() && !Reference::ValidateRepository(t.prefix).ok()) {
    return InvalidArgument(quoted + ": \"" + t.prefix + "\" is not a repository path");
  }
  return t;
}

Result<Location> RegistryDestination(const Target& target, const MirrorImage& image) {
  std::string name = target.host + "/" + (target.prefix.empty() ? "" : target.prefix + "/") + image.repository;
  name += image.tag.empty() ? "@" + image.digest : ":" + image.tag;
  auto ref = Reference::Parse(name);
  if (!ref.ok()) return std::move(ref).error().WithContext("destination of " + image.source.str());
  Location l;
  l.kind = LocationKind::kRegistry;
  l.ref = std::move(ref).value();
  return l;
}

}  // namespace hoist::transfer::mirror
