#pragma once
// Image manifests and indexes (OCI image spec; Docker schema 2 manifest and manifest list).
//
// A parsed document keeps its exact bytes: raw() is byte-identical to what was parsed, so an
// unchanged document re-serialises with the same digest. Mutators re-render from the parsed JSON,
// which still holds every field hoist does not know, so those survive a round trip.
// Parsing is strict: schemaVersion must be 2; a document that has "manifests" as well as "layers" or
// "config" is refused as ambiguous (CVE-2021-41190); a mediaType field that disagrees with the media
// type the document was served as is refused; Docker schema 1 is refused as unsupported.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/platform.h"
#include "core/spec_json.h"

namespace hoist {

// Larger manifests are refused (kTooLarge) before parsing; the registry client caps downloads with it.
// Matches the 4 MiB limit of the Distribution registry and containerd.
inline constexpr size_t kMaxManifestSize = 4 * 1024 * 1024;

class Manifest;
class Index;
using AnyManifest = std::variant<Manifest, Index>;

// Parses a document fetched by tag or digest whose kind is not yet known. The kind comes from the
// "mediaType" field, else from `content_type` (generic types such as application/json are
// ignored), else from the shape ("manifests" → index; "config"/"layers" → manifest).
Result<AnyManifest> ParseAnyManifest(std::string raw, std::string_view content_type = "");

class Manifest : public JsonDocument {
 public:
  // A new manifest (schemaVersion 2) of `media_type` (kOciManifest or kDockerManifest).
  Manifest(std::string media_type, Descriptor config, std::vector<Descriptor> layers);

  // `expected_media_type` is what the document was served as (a Content-Type, a parent descriptor's
  // mediaType), or empty when unknown; it must then be a manifest type and agree with "mediaType".
  static Result<Manifest> Parse(std::string raw, std::string_view expected_media_type = "");

  // The "mediaType" field; when absent, the expected media type; else kOciManifest.
  const std::string& media_type() const { return media_type_; }
  const Descriptor& config() const { return config_; }
  const std::vector<Descriptor>& layers() const { return layers_; }
  const std::optional<Descriptor>& subject() const { return subject_; }
  const std::string& artifact_type() const { return artifact_type_; }
  const std::map<std::string, std::string>& annotations() const { return annotations_; }

  // mediaType, digest and size of this document (plus artifactType), to reference it from elsewhere.
  Descriptor ToDescriptor() const;

  // Each mutator updates the JSON and re-renders raw() and digest().
  void set_config(Descriptor config);
  void set_layers(std::vector<Descriptor> layers);
  void set_subject(std::optional<Descriptor> subject);
  void set_artifact_type(std::string artifact_type);
  void set_annotations(std::map<std::string, std::string> annotations);
  void SetAnnotation(const std::string& key, const std::string& value);

 private:
  Manifest() = default;
  static Result<Manifest> FromJson(std::string raw, nlohmann::ordered_json doc, std::string_view expected);
  friend Result<AnyManifest> ParseAnyManifest(std::string raw, std::string_view content_type);

  std::string media_type_;
  Descriptor config_;
  std::vector<Descriptor> layers_;
  std::optional<Descriptor> subject_;
  std::string artifact_type_;
  std::map<std::string, std::string> annotations_;
};

class Index : public JsonDocument {
 public:
  // A new index (schemaVersion 2) of `media_type` (kOciIndex or kDockerManifestList).
  Index(std::string media_type, std::vector<Descriptor> manifests);

  static Result<Index> Parse(std::string raw, std::string_view expected_media_type = "");

  // The "mediaType" field; when absent, the expected media type; else kOciIndex.
  const std::string& media_type() const { return media_type_; }
  const std::vector<Descriptor>& manifests() const { return manifests_; }
  const std::optional<Descriptor>& subject() const { return subject_; }
  const std::string& artifact_type() const { return artifact_type_; }
  const std::map<std::string, std::string>& annotations() const { return annotations_; }

  Descriptor ToDescriptor() const;

  // The entry to pull for `want`: an exact match after normalisation first, then the first entry
  // that Matches(want). Entries without a platform (and attestations, "unknown/unknown") never match
  // a real platform. nullptr when none fits.
  const Descriptor* FindManifest(const Platform& want) const;

  void set_manifests(std::vector<Descriptor> manifests);
  void set_subject(std::optional<Descriptor> subject);
  void set_artifact_type(std::string artifact_type);
  void set_annotations(std::map<std::string, std::string> annotations);
  void SetAnnotation(const std::string& key, const std::string& value);

 private:
  Index() = default;
  static Result<Index> FromJson(std::string raw, nlohmann::ordered_json doc, std::string_view expected);
  friend Result<AnyManifest> ParseAnyManifest(std::string raw, std::string_view content_type);

  std::string media_type_;
  std::vector<Descriptor> manifests_;
  std::optional<Descriptor> subject_;
  std::string artifact_type_;
  std::map<std::string, std::string> annotations_;
};

// The media type of either alternative, and its raw bytes.
const std::string& MediaTypeOf(const AnyManifest& m);
const std::string& RawOf(const AnyManifest& m);

}  // namespace hoist
