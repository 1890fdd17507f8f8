#pragma once
// The OCI content descriptor: what a manifest says about a blob or a child manifest.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/platform.h"

namespace hoist {

struct Descriptor {
  std::string media_type;
  Digest digest = Digest::Of("");  // a Digest is always valid; a fresh descriptor names the empty blob
  int64_t size = 0;
  std::vector<std::string> urls;  // foreign layers' download locations
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;  // index entries
  std::string artifact_type;
  std::optional<std::string> data;  // decoded "data" (embedded content), already checked against digest/size
  // Fields this version of hoist does not know, kept so a rewritten descriptor loses nothing.
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();

  // A descriptor for `content` (digest and size computed).
  static Descriptor For(std::string media_type, std::string_view content);

  // Same blob: media type, digest and size agree.
  bool SameContent(const Descriptor& o) const {
    return media_type == o.media_type && digest == o.digest && size == o.size;
  }
};

// Strict reading of a descriptor object. `path` names it in errors ("layers[2]"), so a bad digest
// reads "layers[2].digest: invalid digest …". mediaType, digest and size are required; "data",
// when present, must be base64 of exactly the bytes the digest and size name.
Result<Descriptor> DescriptorFromJson(const nlohmann::ordered_json& j, std::string_view path);
nlohmann::ordered_json ToJson(const Descriptor& d);


}  // namespace hoist
