#pragma once
// Internal to manifest.cc / index.cc: the checks image manifests and indexes share.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/spec_json.h"

namespace hoist::manifest_internal {

enum class Kind { kManifest, kIndex };

const char* KindName(Kind kind);  // "image manifest" / "image index"

struct CommonFields {
  std::string media_type;  // effective: field, else expected, else the OCI default
  std::optional<Descriptor> subject;
  std::string artifact_type;
  std::map<std::string, std::string> annotations;
};

// Size limit, then strict JSON. Errors are not yet prefixed with the kind.
Result<spec_json::Json> ParseBounded(std::string_view raw);

// Object shape, ambiguity (CVE-2021-41190), schemaVersion, mediaType against `expected`, and the
// fields both kinds carry.
Result<CommonFields> ParseCommon(const spec_json::Json& doc, std::string_view expected, Kind kind);

Result<std::vector<Descriptor>> ParseDescriptors(const spec_json::Json& doc, std::string_view key);
nlohmann::ordered_json DescriptorsToJson(const std::vector<Descriptor>& ds);

// A new document's skeleton: {"schemaVersion": 2, "mediaType": …}.
nlohmann::ordered_json NewDocument(const std::string& media_type);

void WriteSubject(spec_json::Json& doc, const std::optional<Descriptor>& subject);

}  // namespace hoist::manifest_internal
