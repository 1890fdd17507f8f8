#include "core/manifest.h"
#include "core/manifest_common.h"
#include "core/media_types.h"

namespace hoist {

using namespace manifest_internal;
using spec_json::Json;

Index::Index(std::string media_type, std::vector<Descriptor> manifests)
    : media_type_(std::move(media_type)), manifests_(std::move(manifests)) {
  Json& doc = mutable_json();
  doc = NewDocument(media_type_);
  doc["manifests"] = DescriptorsToJson(manifests_);
  Render();
}

Result<Index> Index::Parse(std::string raw, std::string_view expected_media_type) {
  auto doc = ParseBounded(raw);
  if (!doc.ok()) return spec_json::Prefixed(doc.error(), KindName(Kind::kIndex));
  return FromJson(std::move(raw), std::move(doc).value(), expected_media_type);
}

Result<Index> Index::FromJson(std::string raw, nlohmann::ordered_json doc, std::string_view expected) {
  auto fields = [&](Index& x) -> Status {
    HOIST_TRY_ASSIGN(CommonFields c, ParseCommon(doc, expected, Kind::kIndex));
    x.media_type_ = std::move(c.media_type);
    x.subject_ = std::move(c.subject);
    x.artifact_type_ = std::move(c.artifact_type);
    x.annotations_ = std::move(c.annotations);
    HOIST_TRY_ASSIGN(x.manifests_, ParseDescriptors(doc, "manifests"));
    return Ok();
  };
  Index x;
  Status st = fields(x);
  if (!st.ok()) return spec_json::Prefixed(st.error(), KindName(Kind::kIndex));
  x.Adopt(std::move(raw), std::move(doc));
  return x;
}

Descriptor Index::ToDescriptor() const {
  Descriptor d;
  d.media_type = media_type_;
  d.digest = digest();
  d.size = size();
  d.artifact_type = artifact_type_;
  return d;
}

const Descriptor* Index::FindManifest(const Platform& want) const {
  Platform w = want.Normalized();
  const Descriptor* first_match = nullptr;
  for (const auto& d : manifests_) {
    if (!d.platform) continue;
    Platform have = d.platform->Normalized();
    if (have.os == w.os && have.architecture == w.architecture && have.variant == w.variant &&
        (w.os_version.empty() || have.os_version == w.os_version)) {
      return &d;
    }
    if (first_match == nullptr && d.platform->Matches(want)) first_match = &d;
  }
  return first_match;
}

void Index::set_manifests(std::vector<Descriptor> manifests) {
  manifests_ = std::move(manifests);
  mutable_json()["manifests"] = DescriptorsToJson(manifests_);
  Render();
}

void Index::set_subject(std::optional<Descriptor> subject) {
  subject_ = std::move(subject);
  WriteSubject(mutable_json(), subject_);
  Render();
}

void Index::set_artifact_type(std::string artifact_type) {
  artifact_type_ = std::move(artifact_type);
  spec_json::SetOrErase(mutable_json(), "artifactType", artifact_type_);
  Render();
}

void Index::set_annotations(std::map<std::string, std::string> annotations) {
  annotations_ = std::move(annotations);
  spec_json::SetOrErase(mutable_json(), "annotations", annotations_);
  Render();
}

void Index::SetAnnotation(const std::string& key, const std::string& value) {
  auto a = annotations_;
  a[key] = value;
  set_annotations(std::move(a));
}

}  // namespace hoist
