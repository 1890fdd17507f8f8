#include "core/manifest.h"

#include "core/manifest_common.h"
#include "core/media_types.h"

namespace hoist {

namespace manifest_internal {

using spec_json::Json;

const char* KindName(Kind kind) { return kind == Kind::kIndex ? "image index" : "image manifest"; }

Result<Json> ParseBounded(std::string_view raw) {
  if (raw.size() > kMaxManifestSize) {
    return TooLarge("document is " + std::to_string(raw.size()) + " bytes, over the " +
                    std::to_string(kMaxManifestSize) + "-byte limit for manifests");
  }
  HOIST_TRY_ASSIGN(Json doc, spec_json::Parse(raw));
  if (!doc.is_object()) return ParseError("expected a JSON object, got " + spec_json::TypeName(doc));
  return doc;
}

namespace {

Error Schema1() {
  return Unsupported(
      "Docker schema 1 manifests are not supported (they were deprecated in 2017); "
      "rebuild or re-push the image with a current tool to get schema 2");
}

Status CheckSchemaVersion(const Json& doc) {
  const Json* v = spec_json::Find(doc, "schemaVersion");
  if (v == nullptr) return spec_json::FieldError("schemaVersion", "missing");
  if (!v->is_number_integer()) {
    return spec_json::FieldError("schemaVersion", "must be the integer 2, got " + spec_json::TypeName(*v));
  }
  std::string version =
      v->is_number_unsigned() ? std::to_string(v->get<uint64_t>()) : std::to_string(v->get<int64_t>());
  if (version == "1") return Schema1();
  if (version != "2") return spec_json::FieldError("schemaVersion", "must be 2, got " + version);
  return Ok();
}

bool KindAccepts(Kind kind, std::string_view media_type) {
  return kind == Kind::kIndex ? IsIndex(media_type) : IsManifest(media_type);
}

// Why `media_type` (the mediaType field, or else the type it was served as) cannot be `kind`.
Error WrongKind(Kind kind, std::string_view media_type, bool from_field) {
  Kind other = kind == Kind::kIndex ? Kind::kManifest : Kind::kIndex;
  std::string where = from_field ? "mediaType: " + spec_json::Quote(media_type)
                                 : "it was served as " + spec_json::Quote(media_type);
  if (KindAccepts(other, media_type)) {
    return ParseError(where + ", which is an " + KindName(other) + ", not an " + KindName(kind));
  }
  return Unsupported(where + ", which is not a supported " + KindName(kind) + " media type");
}

}  // namespace

Result<CommonFields> ParseCommon(const Json& doc, std::string_view expected, Kind kind) {
  using namespace spec_json;
  bool has_manifests = Has(doc, "manifests");
  bool has_layers = Has(doc, "layers");
  bool has_config = Has(doc, "config");
  if (has_manifests && (has_layers || has_config)) {
    return ParseError(std::string("ambiguous document: it has \"manifests\" and also ") +
                      (has_layers ? "\"layers\"" : "\"config\"") +
                      ", so it could be read as an index or as a manifest (CVE-2021-41190)");
  }
  HOIST_TRY(CheckSchemaVersion(doc));

  CommonFields c;
  HOIST_TRY_ASSIGN(std::string field, GetString(doc, "mediaType", "", false));
  std::string_view want = BaseMediaType(expected);
  if (IsSchema1(field) || IsSchema1(want)) return Schema1();
  if (!field.empty() && !want.empty() && field != want) {
    return FieldError("mediaType", "document says " + Quote(field) + " but it was served as " + Quote(want));
  }
  if (!want.empty() && !KindAccepts(kind, want)) return WrongKind(kind, want, false);
  if (!field.empty()) {
    if (!KindAccepts(kind, field)) return WrongKind(kind, field, true);
    c.media_type = field;
  } else if (!want.empty()) {
    c.media_type = std::string(want);
  } else {
    // No word on the kind: the shape must at least not be the other kind's.
    if (kind == Kind::kManifest && has_manifests) {
      return ParseError("the document has \"manifests\": it is an image index, not an image manifest");
    }
    if (kind == Kind::kIndex && (has_layers || has_config)) {
      return ParseError("the document has \"layers\" or \"config\": it is an image manifest, not an image index");
    }
    c.media_type = std::string(kind == Kind::kIndex ? kOciIndex : kOciManifest);
  }

  if (const Json* s = Find(doc, "subject")) {
    HOIST_TRY_ASSIGN(c.subject, DescriptorFromJson(*s, "subject"));
  }
  HOIST_TRY_ASSIGN(c.artifact_type, GetString(doc, "artifactType", "", false));
  HOIST_TRY_ASSIGN(c.annotations, GetStringMap(doc, "annotations", ""));
  return c;
}

Result<std::vector<Descriptor>> ParseDescriptors(const Json& doc, std::string_view key) {
  HOIST_TRY_ASSIGN(const Json* arr, spec_json::GetArray(doc, key, "", true));
  std::vector<Descriptor> out;
  out.reserve(arr->size());
  for (size_t i = 0; i < arr->size(); ++i) {
    HOIST_TRY_ASSIGN(Descriptor d, DescriptorFromJson((*arr)[i], spec_json::Item(key, i)));
    out.push_back(std::move(d));
  }
  return out;
}

nlohmann::ordered_json DescriptorsToJson(const std::vector<Descriptor>& ds) {
  Json arr = Json::array();
  for (const auto& d : ds) arr.push_back(ToJson(d));
  return arr;
}

nlohmann::ordered_json NewDocument(const std::string& media_type) {
  Json doc = Json::object();
  doc["schemaVersion"] = 2;
  doc["mediaType"] = media_type;
  return doc;
}

void WriteSubject(Json& doc, const std::optional<Descriptor>& subject) {
  if (subject) {
    doc["subject"] = ToJson(*subject);
  } else {
    spec_json::ClearField(doc, "subject");
  }
}

}  // namespace manifest_internal

using namespace manifest_internal;

Manifest::Manifest(std::string media_type, Descriptor config, std::vector<Descriptor> layers)
    : media_type_(std::move(media_type)), config_(std::move(config)), layers_(std::move(layers)) {
  Json& doc = mutable_json();
  doc = NewDocument(media_type_);
  doc["config"] = ToJson(config_);
  doc["layers"] = DescriptorsToJson(layers_);
  Render();
}

Result<Manifest> Manifest::Parse(std::string raw, std::string_view expected_media_type) {
  auto doc = ParseBounded(raw);
  if (!doc.ok()) return spec_json::Prefixed(doc.error(), KindName(Kind::kManifest));
  return FromJson(std::move(raw), std::move(doc).value(), expected_media_type);
}

Result<Manifest> Manifest::FromJson(std::string raw, nlohmann::ordered_json doc, std::string_view expected) {
  auto fields = [&](Manifest& m) -> Status {
    HOIST_TRY_ASSIGN(CommonFields c, ParseCommon(doc, expected, Kind::kManifest));
    m.media_type_ = std::move(c.media_type);
    m.subject_ = std::move(c.subject);
    m.artifact_type_ = std::move(c.artifact_type);
    m.annotations_ = std::move(c.annotations);
    HOIST_TRY_ASSIGN(const Json* config, spec_json::GetObject(doc, "config", "", true));
    HOIST_TRY_ASSIGN(m.config_, DescriptorFromJson(*config, "config"));
    HOIST_TRY_ASSIGN(m.layers_, ParseDescriptors(doc, "layers"));
    return Ok();
  };
  Manifest m;
  Status st = fields(m);
  if (!st.ok()) return spec_json::Prefixed(st.error(), KindName(Kind::kManifest));
  m.Adopt(std::move(raw), std::move(doc));
  return m;
}

Descriptor Manifest::ToDescriptor() const {
  Descriptor d;
  d.media_type = media_type_;
  d.digest = digest();
  d.size = size();
  // As the referrers API reports it: artifactType, else a config type that is not an image's.
  if (!artifact_type_.empty()) {
    d.artifact_type = artifact_type_;
  } else if (!IsConfig(config_.media_type) && config_.media_type != kOciEmpty) {
    d.artifact_type = config_.media_type;
  }
  return d;
}

void Manifest::set_config(Descriptor config) {
  config_ = std::move(config);
  mutable_json()["config"] = ToJson(config_);
  Render();
}

void Manifest::set_layers(std::vector<Descriptor> layers) {
  layers_ = std::move(layers);
  mutable_json()["layers"] = DescriptorsToJson(layers_);
  Render();
}

void Manifest::set_subject(std::optional<Descriptor> subject) {
  subject_ = std::move(subject);
  WriteSubject(mutable_json(), subject_);
  Render();
}

void Manifest::set_artifact_type(std::string artifact_type) {
  artifact_type_ = std::move(artifact_type);
  spec_json::SetOrErase(mutable_json(), "artifactType", artifact_type_);
  Render();
}

void Manifest::set_annotations(std::map<std::string, std::string> annotations) {
  annotations_ = std::move(annotations);
  spec_json::SetOrErase(mutable_json(), "annotations", annotations_);
  Render();
}

void Manifest::SetAnnotation(const std::string& key, const std::string& value) {
  auto a = annotations_;
  a[key] = value;
  set_annotations(std::move(a));
}

namespace {

// Content types that say nothing about the kind of document (old registries, static file servers).
bool IsGeneric(std::string_view ct) {
  return ct.empty() || ct == "application/json" || ct == "text/plain" || ct == "application/octet-stream" ||
         ct == "binary/octet-stream";
}

}  // namespace

Result<AnyManifest> ParseAnyManifest(std::string raw, std::string_view content_type) {
  std::string_view ct = BaseMediaType(content_type);
  if (IsSchema1(ct)) return Schema1();
  auto parsed = ParseBounded(raw);
  if (!parsed.ok()) return spec_json::Prefixed(parsed.error(), "manifest");
  Json doc = std::move(parsed).value();

  // The document's own word first, then the server's, then the shape.
  std::string field;
  if (const Json* mt = spec_json::Find(doc, "mediaType"); mt != nullptr && mt->is_string()) {
    field = mt->get<std::string>();
  }
  std::string expected = IsGeneric(ct) ? std::string() : std::string(ct);
  std::string_view decider = !field.empty() ? std::string_view(field) : std::string_view(expected);
  bool index;
  if (IsIndex(decider)) {
    index = true;
  } else if (IsManifest(decider)) {
    index = false;
  } else if (!decider.empty() || IsSchema1(field)) {
    // Let the manifest parser produce the precise refusal (schema 1, unknown type, ambiguity).
    index = false;
  } else {
    index = spec_json::Has(doc, "manifests") && !spec_json::Has(doc, "layers") && !spec_json::Has(doc, "config");
  }
  if (index) {
    HOIST_TRY_ASSIGN(Index i, Index::FromJson(std::move(raw), std::move(doc), expected));
    return AnyManifest(std::move(i));
  }
  HOIST_TRY_ASSIGN(Manifest m, Manifest::FromJson(std::move(raw), std::move(doc), expected));
  return AnyManifest(std::move(m));
}

const std::string& MediaTypeOf(const AnyManifest& m) {
  return std::visit([](const auto& x) -> const std::string& { return x.media_type(); }, m);
}

const std::string& RawOf(const AnyManifest& m) {
  return std::visit([](const auto& x) -> const std::string& { return x.raw(); }, m);
}

}  // namespace hoist
