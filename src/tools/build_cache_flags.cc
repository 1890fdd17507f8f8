#include "tools/build_cache_flags.h"

#include <map>

#include "tools/command.h"

namespace hoist::tools {

namespace {

// "a=b,c=d" → {a: b, c: d}; nullopt when a part has no '=' or a key repeats.
std::optional<std::map<std::string, std::string>> Attributes(const std::string& value) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    std::string part = value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0 || !out.emplace(part.substr(0, eq), part.substr(eq + 1)).second) {
      return std::nullopt;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace

Result<transfer::Location> ParseCacheLocation(const std::string& value, bool to) {
  const std::string flag = to ? "--cache-to" : "--cache-from";
  auto bad = [&](const std::string& why) { return UsageError(flag + " " + why + ", got \"" + value + "\""); };
  std::string location = value;
  if (value.rfind("type=", 0) == 0) {
    auto attrs = Attributes(value);
    if (!attrs) return bad("takes comma-separated KEY=VALUE attributes");
    const std::string type = (*attrs)["type"];
    const std::string dir_key = to ? "dest" : "src";
    for (const auto& [k, v] : *attrs) {
      if (k != "type" && k != "ref" && k != dir_key && k != "mode") {
        return bad("does not know the attribute \"" + k + "\" (hoist takes type, ref, " + dir_key + " and mode)");
      }
    }
    if (attrs->count("mode") && (*attrs)["mode"] != "max" && (*attrs)["mode"] != "min") {
      return bad("mode must be max or min");
    }
    if (type == "registry") {
      if ((*attrs)["ref"].empty()) return bad("type=registry needs ref=REF");
      location = "docker://" + (*attrs)["ref"];
    } else if (type == "local") {
      if ((*attrs)[dir_key].empty()) return bad("type=local needs " + dir_key + "=DIR");
      location = "oci:" + (*attrs)[dir_key] + ":buildcache";
    } else {
      return bad("supports type=registry and type=local (an OCI layout)");
    }
  } else if (value.find("://") == std::string::npos && value.rfind("oci:", 0) != 0 &&
             value.rfind("oci-archive:", 0) != 0 && value.rfind("docker-archive:", 0) != 0) {
    location = "docker://" + value;  // buildx's shorthand: a bare reference is a registry
  }
  auto loc = transfer::ParseLocation(location, {.allow_store = false, .default_tag = true});
  if (!loc.ok()) return bad("needs a registry reference, oci:DIR or oci-archive:FILE (" + loc.error().message() + ")");
  if (loc->kind == transfer::LocationKind::kDockerArchive) return bad("cannot use a docker-archive");
  return loc;
}

}  // namespace hoist::tools
