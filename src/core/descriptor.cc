#include "core/descriptor.h"

#include "core/spec_json.h"

namespace hoist {

namespace {

const char* const kKnownFields[] = {"mediaType", "digest", "size", "urls", "annotations",
                                    "platform", "artifactType", "data"};

}  // namespace

Descriptor Descriptor::For(std::string media_type, std::string_view content) {
  Descriptor d;
  d.media_type = std::move(media_type);
  d.digest = Digest::Of(content);
  d.size = static_cast<int64_t>(content.size());
  return d;
}

Result<Descriptor> DescriptorFromJson(const nlohmann::ordered_json& j, std::string_view path) {
  using namespace spec_json;
  if (!j.is_object()) return FieldError(path, "must be an object, got " + TypeName(j));
  Descriptor d;
  HOIST_TRY_ASSIGN(d.media_type, GetString(j, "mediaType", path, true));
  if (d.media_type.empty()) return FieldError(Join(path, "mediaType"), "must not be empty");
  HOIST_TRY_ASSIGN(std::string digest_text, GetString(j, "digest", path, true));
  auto digest = Digest::Parse(digest_text);
  if (!digest.ok()) return FieldError(Join(path, "digest"), digest.error().message());
  d.digest = *digest;
  HOIST_TRY_ASSIGN(d.size, GetNonNegative(j, "size", path, true));
  HOIST_TRY_ASSIGN(d.urls, GetStringArray(j, "urls", path));
  for (size_t i = 0; i < d.urls.size(); ++i) {
    const std::string& u = d.urls[i];
    if (u.rfind("https://", 0) != 0 && u.rfind("http://", 0) != 0) {
      return FieldError(Item(Join(path, "urls"), i), "must be an http or https URL, got " + Quote(u));
    }
  }
  HOIST_TRY_ASSIGN(d.annotations, GetStringMap(j, "annotations", path));
  HOIST_TRY_ASSIGN(d.artifact_type, GetString(j, "artifactType", path, false));
  if (const Json* p = Find(j, "platform")) {
    HOIST_TRY_ASSIGN(d.platform, PlatformFromJson(*p, Join(path, "platform")));
  }
  HOIST_TRY_ASSIGN(std::string data64, GetString(j, "data", path, false));
  if (Find(j, "data") != nullptr) {
    auto data = DecodeBase64(data64);
    if (!data) return FieldError(Join(path, "data"), "is not valid base64");
    if (static_cast<int64_t>(data->size()) != d.size) {
      return FieldError(Join(path, "data"), "holds " + std::to_string(data->size()) + " bytes but size says " +
                                                std::to_string(d.size));
    }
    Digest got = Digest::Of(*data, d.digest.algorithm());
    if (!(got == d.digest)) {
      return Error(ErrorCode::kDigestMismatch, Join(path, "data") + ": content has digest " + got.str() +
                                                   " but digest says " + d.digest.str());
    }
    d.data = std::move(*data);
  }
  for (const auto& [k, v] : j.items()) {
    bool known = false;
    for (const char* f : kKnownFields) known = known || k == f;
    if (!known) d.extra[k] = v;
  }
  return d;
}

nlohmann::ordered_json ToJson(const Descriptor& d) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["mediaType"] = d.media_type;
  if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
  j["digest"] = d.digest.str();
  j["size"] = d.size;
  if (!d.urls.empty()) j["urls"] = d.urls;
  if (!d.annotations.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::object();
    for (const auto& [k, v] : d.annotations) a[k] = v;
    j["annotations"] = std::move(a);
  }
  if (d.data) j["data"] = EncodeBase64(*d.data);
  if (d.platform) j["platform"] = ToJson(*d.platform);
  if (d.extra.is_object()) {
    for (const auto& [k, v] : d.extra.items()) {
      if (!j.contains(k)) j[k] = v;
    }
  }
  return j;
}

}  // namespace hoist
