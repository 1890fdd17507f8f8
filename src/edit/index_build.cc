#include "edit/index_build.h"

#include "core/media_types.h"
#include "edit/image_read.h"

namespace hoist::edit {

CombinedSource::CombinedSource(std::vector<std::unique_ptr<transfer::ImageSource>> parts) : parts_(std::move(parts)) {}

std::string CombinedSource::Describe() const {
  std::string s;
  for (const auto& p : parts_) s += (s.empty() ? "" : ", ") + p->Describe();
  return s;
}

Result<size_t> CombinedSource::Owner(const Digest& d) const {
  auto it = owner_.find(d);
  if (it == owner_.end()) return NotFound(d.str() + " is in none of " + Describe());
  return it->second;
}

Result<transfer::ManifestBytes> CombinedSource::GetManifest(const std::optional<Digest>& instance) {
  if (!instance) return Internal("a combined source has no top document of its own");
  HOIST_TRY_ASSIGN(size_t i, Owner(*instance));
  return parts_[i]->GetManifest(instance);
}

Result<std::unique_ptr<Reader>> CombinedSource::GetBlob(const Descriptor& blob, uint64_t offset) {
  HOIST_TRY_ASSIGN(size_t i, Owner(blob.digest));
  return parts_[i]->GetBlob(blob, offset);
}

bool CombinedSource::LayersAreCompressed() const {
  for (const auto& p : parts_) {
    if (!p->LayersAreCompressed()) return false;
  }
  return true;
}

Result<std::vector<transfer::ImageSource::Attached>> CombinedSource::ListAttached(const Descriptor& subject) {
  auto i = Owner(subject.digest);
  if (!i.ok()) return std::vector<Attached>{};
  return parts_[*i]->ListAttached(subject);
}

namespace {

// Registers an image manifest's config and layers as read from `part`.
void RegisterImage(CombinedSource& parts, size_t part, const Manifest& m) {
  parts.Register(m.ToDescriptor().digest, part);
  parts.Register(m.config().digest, part);
  for (const auto& l : m.layers()) parts.Register(l.digest, part);
}

}  // namespace

Result<std::vector<Descriptor>> CollectEntries(CombinedSource& parts, size_t part) {
  std::vector<Descriptor> entries;
  transfer::ImageSource& source = parts.part(part);
  HOIST_TRY_ASSIGN(AnyManifest top, ReadDocument(source, std::nullopt));
  if (const auto* image = std::get_if<Manifest>(&top)) {
    HOIST_TRY_ASSIGN(ImageConfig config, ReadConfig(source, *image));
    RegisterImage(parts, part, *image);
    Descriptor d = image->ToDescriptor();
    d.platform = config.platform();
    entries.push_back(d);
    return entries;
  }
  const Index& index = std::get<Index>(top);
  for (const Descriptor& e : index.manifests()) {
    if (!IsManifest(e.media_type)) {
      return Unsupported(source.Describe() + " lists an index (" + e.digest.str() + "): nested indexes are not merged");
    }
    HOIST_TRY_ASSIGN(AnyManifest child, ReadDocument(source, e.digest));
    RegisterImage(parts, part, std::get<Manifest>(child));
    entries.push_back(e);
  }
  return entries;
}

Result<EditedImage> BuildIndex(CombinedSource& parts, const IndexBuildOptions& options) {
  std::vector<Descriptor> entries;
  std::optional<Index> base;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i == 0 && options.first_is_base) {
      HOIST_TRY_ASSIGN(AnyManifest top, ReadDocument(parts.part(0), std::nullopt));
      if (!std::holds_alternative<Index>(top)) {
        return InvalidArgument(parts.part(0).Describe() + " is a single image, not an index to append to");
      }
      base = std::get<Index>(top);
    }
    HOIST_TRY_ASSIGN(auto more, CollectEntries(parts, i));
    entries.insert(entries.end(), more.begin(), more.end());
  }
  return MakeIndex(entries, base, options);
}

Result<EditedImage> MakeIndex(const std::vector<Descriptor>& entries, const std::optional<Index>& base,
                              const IndexBuildOptions& options) {
  // Each child once (the first place it was found).
  std::vector<Descriptor> unique;
  std::map<Digest, bool> seen;
  bool docker = false, oci = false;
  for (const auto& e : entries) {
    if (seen[e.digest]) continue;
    seen[e.digest] = true;
    (IsDocker(e.media_type) ? docker : oci) = true;
    unique.push_back(e);
  }
  if (docker && oci && !options.format) {
    return Error(ErrorCode::kUnsupported,
                 "the images mix Docker schema 2 and OCI media types: give --format oci or --format v2s2 to convert "
                 "them all (an index never mixes them)");
  }
  const bool docker_list = options.format ? *options.format == ManifestFormat::kDockerV2S2 : docker && !oci;
  if (docker_list && !options.annotations.empty()) {
    return Error(ErrorCode::kUnsupported, "a Docker manifest list has no annotations: use --format oci");
  }
  std::string media_type(docker_list ? kDockerManifestList : kOciIndex);
  EditedImage out;
  if (base && base->media_type() == media_type) {
    Index edited = *base;
    edited.set_manifests(unique);
    for (const auto& [k, v] : options.annotations) edited.SetAnnotation(k, v);
    out.top = out.AddManifest(edited.raw(), media_type);
    return out;
  }
  Index index(media_type, unique);
  if (base) index.set_annotations(base->annotations());
  for (const auto& [k, v] : options.annotations) index.SetAnnotation(k, v);
  out.top = out.AddManifest(index.raw(), media_type);
  return out;
}

}  // namespace hoist::edit
