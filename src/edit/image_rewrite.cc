#include "edit/image_rewrite.h"

#include "core/media_types.h"
#include "edit/image_read.h"

namespace hoist::edit {

namespace {

// buildkit's attestation manifests name the image they describe with this annotation.
constexpr const char* kAttestationRef = "vnd.docker.reference.digest";

bool IsAttestation(const Descriptor& d) {
  return d.annotations.count("vnd.docker.reference.type") ||
         (d.platform && d.platform->os == "unknown" && d.platform->architecture == "unknown");
}

bool Selected(const Platform& p, const std::vector<Platform>& wanted) {
  if (wanted.empty()) return true;
  for (const auto& w : wanted) {
    if (p.Matches(w)) return true;
  }
  return false;
}

std::string PlatformList(const std::vector<Platform>& platforms) {
  std::string s;
  for (const auto& p : platforms) s += (s.empty() ? "" : ", ") + p.str();
  return s;
}

struct Rewritten {
  Descriptor manifest;
  Platform platform;  // the config's, after the edit
  bool platform_changed = false;
};

Result<Rewritten> RewriteOne(transfer::ImageSource& source, const Manifest& manifest, const RewriteOptions& options,
                             const std::map<std::string, std::string>& annotations, bool check_platform,
                             EditedImage& out) {
  Manifest edited = manifest;
  Rewritten r;
  if (options.edit || check_platform) {
    HOIST_TRY_ASSIGN(ImageConfig config, ReadConfig(source, manifest));
    if (check_platform && !Selected(config.platform(), options.platforms)) {
      return NotFound(source.Describe() + " is an image for " + config.platform().str() + ", not for " +
                      PlatformList(options.platforms));
    }
    const Platform before = config.platform();
    std::vector<Descriptor> layers = manifest.layers();
    std::map<std::string, std::string> manifest_annotations = manifest.annotations();
    ImageParts parts{config, layers, manifest_annotations};
    if (options.edit) HOIST_TRY(options.edit(manifest, parts, out));
    if (manifest_annotations != manifest.annotations()) edited.set_annotations(manifest_annotations);
    HOIST_TRY(config.CheckLayers(layers.size()));
    r.platform = config.platform();
    r.platform_changed = config.platform() != before;
    Descriptor c = manifest.config();
    Descriptor fresh = Descriptor::For(c.media_type, config.raw());
    if (fresh.digest != c.digest) {
      out.AddBlob(config.raw(), c.media_type);
      c.digest = fresh.digest;
      c.size = fresh.size;
      edited.set_config(std::move(c));
    }
    bool layers_changed = layers.size() != manifest.layers().size();
    for (size_t i = 0; !layers_changed && i < layers.size(); ++i) {
      layers_changed = !layers[i].SameContent(manifest.layers()[i]);
    }
    if (layers_changed) edited.set_layers(std::move(layers));
  }
  for (const auto& [k, v] : annotations) edited.SetAnnotation(k, v);
  if (edited.raw() == manifest.raw()) {
    r.manifest = manifest.ToDescriptor();
    return r;
  }
  r.manifest = out.AddManifest(edited.raw(), manifest.media_type());
  r.manifest.artifact_type = manifest.artifact_type();
  return r;
}

}  // namespace

Descriptor RewriteIndex(const Index& index, const std::map<Digest, Descriptor>& replaced,
                        const std::map<std::string, std::string>& annotations, EditedImage& out) {
  std::vector<Descriptor> entries = index.manifests();
  bool changed = false;
  for (auto& e : entries) {
    if (auto it = replaced.find(e.digest); it != replaced.end()) {
      changed = true;
      e.digest = it->second.digest;
      e.size = it->second.size;
      if (it->second.platform) e.platform = it->second.platform;
    }
    auto ref = e.annotations.find(kAttestationRef);
    if (ref == e.annotations.end()) continue;
    auto named = Digest::Parse(ref->second);
    if (!named.ok()) continue;
    if (auto it = replaced.find(*named); it != replaced.end()) {
      ref->second = it->second.digest.str();
      changed = true;
    }
  }
  Index edited = index;
  if (changed) edited.set_manifests(std::move(entries));
  for (const auto& [k, v] : annotations) edited.SetAnnotation(k, v);
  if (edited.raw() == index.raw()) return index.ToDescriptor();
  return out.AddManifest(edited.raw(), index.media_type());
}

Result<EditedImage> RewriteImages(transfer::ImageSource& source, const RewriteOptions& options) {
  EditedImage out;
  HOIST_TRY_ASSIGN(AnyManifest top, ReadDocument(source, std::nullopt));
  if (const auto* image = std::get_if<Manifest>(&top)) {
    bool check = !options.platforms.empty() && options.edit;
    HOIST_TRY_ASSIGN(Rewritten r, RewriteOne(source, *image, options, options.annotations, check, out));
    out.top = r.manifest;
    return out;
  }
  const Index& index = std::get<Index>(top);
  std::map<Digest, Descriptor> replaced;
  if (options.edit) {
    for (const Descriptor& e : index.manifests()) {
      if (!IsManifest(e.media_type) || IsAttestation(e) || replaced.count(e.digest)) continue;
      if (!options.platforms.empty() && !(e.platform && Selected(*e.platform, options.platforms))) continue;
      HOIST_TRY_ASSIGN(AnyManifest child, ReadDocument(source, e.digest));
      const auto* image = std::get_if<Manifest>(&child);
      if (image == nullptr) continue;
      HOIST_TRY_ASSIGN(Rewritten r, RewriteOne(source, *image, options, {}, false, out));
      if (r.platform_changed) {
        Platform p = e.platform.value_or(Platform{});
        p.os = r.platform.os;
        p.architecture = r.platform.architecture;
        p.variant = r.platform.variant;
        if (!r.platform.os_version.empty()) p.os_version = r.platform.os_version;
        r.manifest.platform = p;
      }
      replaced[e.digest] = r.manifest;
    }
    if (replaced.empty()) {
      return NotFound(source.Describe() + " is an index with no image" +
                      (options.platforms.empty() ? std::string() : " for " + PlatformList(options.platforms)) +
                      " to change");
    }
  }
  out.top = RewriteIndex(index, replaced, options.annotations, out);
  return out;
}

}  // namespace hoist::edit
