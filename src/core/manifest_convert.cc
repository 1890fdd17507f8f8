#include "core/manifest_convert.h"

#include <variant>

#include "core/media_types.h"

namespace hoist {

namespace {

struct TypePair {
  std::string_view oci;
  std::string_view docker;
};

// Layer and config media types with a counterpart in the other format.
constexpr TypePair kPairs[] = {
    {kOciConfig, kDockerConfig},
    {kOciLayerGzip, kDockerLayerGzip},
    {kOciLayerTar, kDockerLayerTar},
    {kOciForeignLayerGzip, kDockerForeignLayerGzip},
    {kOciManifest, kDockerManifest},
    {kOciIndex, kDockerManifestList},
};

Result<std::string> MapType(const std::string& type, ManifestFormat format, const std::string& what) {
  const std::string_view base = BaseMediaType(type);
  for (const auto& p : kPairs) {
    if (base == p.oci || base == p.docker) return std::string(format == ManifestFormat::kOci ? p.oci : p.docker);
  }
  if (format == ManifestFormat::kOci && IsOci(base)) return type;
  if (format == ManifestFormat::kDockerV2S2 && IsDocker(base)) return type;
  return Unsupported(what + " has media type " + type + ", which has no " +
                     (format == ManifestFormat::kOci ? "OCI" : "Docker schema 2") + " counterpart");
}

Result<Descriptor> MapDescriptor(const Descriptor& d, ManifestFormat format, const std::string& what) {
  Descriptor out = d;
  HOIST_TRY_ASSIGN(out.media_type, MapType(d.media_type, format, what));
  if (format == ManifestFormat::kDockerV2S2) {
    out.annotations.clear();  // schema 2 descriptors have no annotations
    out.artifact_type.clear();
  }
  return out;
}

Status CheckSchema2Expressible(const std::optional<Descriptor>& subject, const std::string& artifact_type,
                               const std::string& what) {
  if (subject) return Unsupported(what + " has a subject (it is attached to another image): Docker schema 2 cannot say so");
  if (!artifact_type.empty()) {
    return Unsupported(what + " is an artifact (" + artifact_type + "), not an image: Docker schema 2 holds only images");
  }
  return Ok();
}

}  // namespace

std::optional<ManifestFormat> ParseManifestFormat(std::string_view name) {
  if (name == "oci") return ManifestFormat::kOci;
  if (name == "v2s2") return ManifestFormat::kDockerV2S2;
  return std::nullopt;
}

const char* ManifestFormatName(ManifestFormat format) {
  return format == ManifestFormat::kOci ? "OCI" : "Docker schema 2";
}

bool InFormat(const AnyManifest& document, ManifestFormat format) {
  const std::string& type = std::visit([](const auto& m) -> const std::string& { return m.media_type(); }, document);
  return format == ManifestFormat::kOci ? IsOci(type) : IsDocker(type);
}

Result<Manifest> ConvertManifest(const Manifest& manifest, ManifestFormat format) {
  if (InFormat(AnyManifest(manifest), format)) return manifest;
  const std::string what = "manifest " + manifest.digest().str();
  if (format == ManifestFormat::kDockerV2S2) {
    HOIST_TRY(CheckSchema2Expressible(manifest.subject(), manifest.artifact_type(), what));
    if (!IsConfig(manifest.config().media_type)) {
      return Unsupported(what + " is an artifact (config " + manifest.config().media_type +
                         "), not an image: Docker schema 2 holds only images");
    }
  }
  HOIST_TRY_ASSIGN(std::string type, MapType(manifest.media_type(), format, what));
  HOIST_TRY_ASSIGN(Descriptor config, MapDescriptor(manifest.config(), format, "the config of " + what));
  std::vector<Descriptor> layers;
  for (size_t i = 0; i < manifest.layers().size(); ++i) {
    HOIST_TRY_ASSIGN(Descriptor l,
                     MapDescriptor(manifest.layers()[i], format, "layer " + std::to_string(i) + " of " + what));
    layers.push_back(std::move(l));
  }
  Manifest out(std::move(type), std::move(config), std::move(layers));
  if (format == ManifestFormat::kOci) {
    if (!manifest.annotations().empty()) out.set_annotations(manifest.annotations());
  }
  return out;
}

Result<Index> ConvertIndex(const Index& index, ManifestFormat format, const std::map<Digest, Descriptor>& converted) {
  const std::string what = "index " + index.digest().str();
  if (format == ManifestFormat::kDockerV2S2) HOIST_TRY(CheckSchema2Expressible(index.subject(), index.artifact_type(), what));
  std::vector<Descriptor> entries;
  bool changed = false;
  for (size_t i = 0; i < index.manifests().size(); ++i) {
    const Descriptor& child = index.manifests()[i];
    Descriptor d = child;
    if (auto it = converted.find(child.digest); it != converted.end()) {
      d.media_type = it->second.media_type;
      d.digest = it->second.digest;
      d.size = it->second.size;
    } else {
      HOIST_TRY_ASSIGN(d.media_type, MapType(child.media_type, format, "entry " + std::to_string(i) + " of " + what));
    }
    if (format == ManifestFormat::kDockerV2S2) {
      d.annotations.clear();
      d.artifact_type.clear();
    }
    changed = changed || !(d.digest == child.digest) || d.media_type != child.media_type ||
              d.annotations.size() != child.annotations.size();
    entries.push_back(std::move(d));
  }
  const bool in_format = InFormat(AnyManifest(index), format);
  if (in_format && !changed) return index;
  HOIST_TRY_ASSIGN(std::string type, MapType(index.media_type(), format, what));
  Index out(std::move(type), std::move(entries));
  if (format == ManifestFormat::kOci && !index.annotations().empty()) out.set_annotations(index.annotations());
  return out;
}

}  // namespace hoist
