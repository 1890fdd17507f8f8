#include "transfer/location.h"

namespace hoist::transfer {

namespace {

struct Prefix {
  std::string_view text;
  LocationKind kind;
};
constexpr Prefix kPrefixes[] = {
    {"docker://", LocationKind::kRegistry},
    {"oci:", LocationKind::kOciLayout},
    {"oci-archive:", LocationKind::kOciArchive},
    {"docker-archive:", LocationKind::kDockerArchive},
};

Error Bad(std::string_view text, const std::string& why) {
  std::string m = "invalid location \"";
  m += text;
  m += "\": ";
  m += why;
  return InvalidArgument(std::move(m));
}

// "DIR[:REF]": a path never holds the REF's ':' (skopeo's rule: split at the first colon).
void SplitPathAndName(std::string_view rest, Location& loc) {
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) {
    loc.path = std::string(rest);
  } else {
    loc.path = std::string(rest.substr(0, colon));
    loc.name = std::string(rest.substr(colon + 1));
  }
}

}  // namespace

const char* LocationKindName(LocationKind kind) {
  switch (kind) {
    case LocationKind::kRegistry: return "docker";
    case LocationKind::kStore: return "store";
    case LocationKind::kOciLayout: return "oci";
    case LocationKind::kOciArchive: return "oci-archive";
    case LocationKind::kDockerArchive: return "docker-archive";
  }
  return "?";
}

std::string Location::str() const {
  switch (kind) {
    case LocationKind::kRegistry: return "docker://" + ref->str();
    case LocationKind::kStore: return ref->str();
    default: {
      std::string s = LocationKindName(kind);
      s += ":";
      s += path;
      if (!name.empty()) s += ":" + name;
      return s;
    }
  }
}

Result<Location> ParseLocation(std::string_view text, const LocationParseOptions& options) {
  if (text.empty()) return Bad(text, "empty");
  Location loc;
  for (const Prefix& p : kPrefixes) {
    if (text.substr(0, p.text.size()) != p.text) continue;
    std::string_view rest = text.substr(p.text.size());
    loc.kind = p.kind;
    if (p.kind == LocationKind::kRegistry) {
      auto ref = Reference::Parse(rest, ReferenceParseOptions{options.default_tag});
      if (!ref.ok()) return Bad(text, ref.error().message());
      loc.ref = std::move(ref).value();
      return loc;
    }
    SplitPathAndName(rest, loc);
    if (loc.path.empty()) return Bad(text, std::string("no path after \"") + std::string(p.text) + "\"");
    if (rest.back() == ':') return Bad(text, "empty reference after the path");
    if (p.kind == LocationKind::kDockerArchive && loc.name[0] == '@' &&
        (loc.name.size() == 1 || loc.name.find_first_not_of("0123456789", 1) != std::string::npos)) {
      return Bad(text, "@N names the Nth image of the archive by a number from 0");
    }
    if (p.kind == LocationKind::kDockerArchive && !loc.name.empty() && loc.name[0] != '@') {
      // docker-archive names are docker references ("app:1"); a digest-only name is not allowed.
      // "@N" (skopeo's Nth image, a source only) stays a name.
      auto ref = Reference::Parse(loc.name);
      if (!ref.ok()) return Bad(text, ref.error().message());
      if (ref->digest()) return Bad(text, "a docker-archive reference cannot name a digest");
      loc.ref = std::move(ref).value();
    }
    return loc;
  }
  // Some other transport ("containers-storage:", "http://…").
  size_t scheme = text.find("://");
  if (scheme != std::string_view::npos) {
    return Bad(text, "unknown transport \"" + std::string(text.substr(0, scheme)) +
                         "://\" (use docker://, oci:, oci-archive:, docker-archive: or a bare reference)");
  }
  if (!options.allow_store) {
    return Bad(text, "expected docker://, oci:, oci-archive: or docker-archive: before the image");
  }
  auto ref = Reference::Parse(text, ReferenceParseOptions{options.default_tag});
  if (!ref.ok()) return Bad(text, ref.error().message());
  loc.kind = LocationKind::kStore;
  loc.ref = std::move(ref).value();
  return loc;
}

}  // namespace hoist::transfer
