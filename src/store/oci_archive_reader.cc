#include "store/oci_archive_reader.h"

#include <algorithm>

#include "core/attachment_tags.h"
#include "core/image_check.h"
#include "core/image_config.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "core/spec_json.h"
#include "store/oci_archive_writer.h"
#include "store/oci_layout.h"

namespace hoist::store {

namespace {

constexpr int kMaxDepth = 8;  // index → manifest nesting deeper than this is not an image
constexpr const char* kContainerdName = "io.containerd.image.name";

}  // namespace

std::optional<Reference> NameFromAnnotation(const std::string& value, bool bare_is_repository) {
  if (!bare_is_repository && value.find_first_of("/:@") == std::string::npos) return std::nullopt;
  auto ref = Reference::Parse(value);
  if (!ref.ok()) return std::nullopt;
  return *ref;
}

void BlobWalker::Add(const ArchiveFile* f) {
  if (std::find(seen_.begin(), seen_.end(), f->path) != seen_.end()) return;
  seen_.push_back(f->path);
  plan_.blobs.push_back(f);
}

Result<std::optional<Digest>> BlobWalker::Walk(const Descriptor& desc, const std::string& what, int depth) {
  if (depth > kMaxDepth) return ParseError(what + ": indexes nested too deep");
  const ArchiveFile* f = entries_.FindBlob(desc.digest);
  if (f == nullptr) {
    if (IsForeignLayer(desc.media_type) || !desc.urls.empty()) return std::optional<Digest>();
    return NotFound(what + " " + desc.digest.str() + " is missing from the archive");
  }
  if (static_cast<int64_t>(f->size) != desc.size) {
    return DigestMismatch(what + " " + desc.digest.str() + " is " + std::to_string(f->size) +
                          " bytes in the archive, but its descriptor says " + std::to_string(desc.size));
  }
  Add(f);
  if (IsIndex(desc.media_type)) {
    HOIST_TRY_ASSIGN(std::string raw, entries_.ReadSmall(*f, kMaxManifestSize));
    auto index = Index::Parse(std::move(raw), desc.media_type);
    if (!index.ok()) return spec_json::Prefixed(index.error(), what + " " + desc.digest.str());
    for (size_t i = 0; i < index->manifests().size(); ++i) {
      HOIST_TRY(Walk(index->manifests()[i], "manifest " + std::to_string(i) + " of index " + desc.digest.Short(),
                     depth + 1));
    }
    return std::optional<Digest>();
  }
  if (!IsManifest(desc.media_type)) return std::optional<Digest>();
  HOIST_TRY_ASSIGN(std::string raw, entries_.ReadSmall(*f, kMaxManifestSize));
  auto manifest = Manifest::Parse(std::move(raw), desc.media_type);
  if (!manifest.ok()) return spec_json::Prefixed(manifest.error(), what + " " + desc.digest.str());
  const Descriptor& config = manifest->config();
  HOIST_TRY(Walk(config, "config of manifest " + desc.digest.Short(), depth + 1));
  if (HasImageConfig(*manifest)) {
    const ArchiveFile* cf = entries_.FindBlob(config.digest);
    HOIST_TRY_ASSIGN(std::string craw, entries_.ReadSmall(*cf, kMaxConfigSize));
    HOIST_TRY(CheckImageConfig(*manifest, std::move(craw)));
  }
  for (size_t i = 0; i < manifest->layers().size(); ++i) {
    HOIST_TRY(Walk(manifest->layers()[i], "layer " + std::to_string(i) + " of manifest " + desc.digest.Short(),
                   depth + 1));
  }
  return std::optional<Digest>(config.digest);
}

namespace {

// The images `file` (index.json or kAttachedIndexFile) lists, each walked and checked.
Result<std::vector<ArchiveImage>> ReadIndexFile(const ArchiveFile& file, const std::string& file_name,
                                                BlobWalker& walker) {
  auto index = Index::Parse(file.bytes, kOciIndex);
  if (!index.ok()) return spec_json::Prefixed(index.error(), "archive " + file_name);
  std::vector<ArchiveImage> images;
  for (size_t i = 0; i < index->manifests().size(); ++i) {
    const Descriptor& d = index->manifests()[i];
    if (!IsManifest(d.media_type) && !IsIndex(d.media_type)) {
      return ParseError("archive " + file_name + ": manifests[" + std::to_string(i) + "] has media type " +
                        d.media_type + ", not a manifest or index");
    }
    HOIST_TRY_ASSIGN(auto config, walker.Walk(d, "manifest " + std::to_string(i) + " of " + file_name));
    ArchiveImage image;
    image.root = d;
    image.root.annotations.clear();
    image.image_id = config;
    std::optional<Reference> name;
    if (auto it = d.annotations.find(kContainerdName); it != d.annotations.end()) name = NameFromAnnotation(it->second);
    if (!name) {
      if (auto it = d.annotations.find(kRefNameAnnotation); it != d.annotations.end()) {
        name = NameFromAnnotation(it->second, /*bare_is_repository=*/true);
      }
    }
    if (auto it = d.annotations.find(kRefNameAnnotation); it != d.annotations.end()) image.ref_name = it->second;
    if (name) image.names.push_back(*name);
    images.push_back(std::move(image));
  }
  return images;
}

// A bare attachment tag ("sha256-<hex>.sig", as `copy … oci-archive:` writes it) names the
// attachment in the repositories of the image it belongs to (the one whose digest is <hex>).
std::vector<Reference> NamesBesideSubject(const std::string& tag, const std::vector<ArchiveImage>& images) {
  std::vector<Reference> names;
  for (const ArchiveImage& image : images) {
    for (const std::string& candidate : CosignTags(image.root.digest)) {
      if (candidate != tag) continue;
      for (const Reference& name : image.names) {
        auto beside = name.Bare().WithTag(tag);
        if (beside.ok()) names.push_back(*beside);
      }
    }
  }
  return names;
}

}  // namespace

Result<ArchivePlan> ReadOciArchive(const ArchiveEntries& entries) {
  const ArchiveFile* layout = entries.Metadata("oci-layout");
  if (layout == nullptr) return ParseError("archive has no oci-layout file: not an OCI image layout");
  const ArchiveFile* index_file = entries.Metadata("index.json");
  if (index_file == nullptr) return ParseError("archive has no index.json: not an OCI image layout");
  ArchivePlan plan;
  BlobWalker walker(entries, plan);
  HOIST_TRY_ASSIGN(plan.images, ReadIndexFile(*index_file, "index.json", walker));
  if (plan.images.empty()) return ParseError("archive index.json lists no image");
  if (const ArchiveFile* attached = entries.Metadata(kAttachedIndexFile)) {
    HOIST_TRY_ASSIGN(plan.attached, ReadIndexFile(*attached, kAttachedIndexFile, walker));
    for (ArchiveImage& a : plan.attached) {
      if (!IsAttachedRefName(a.ref_name)) {
        return ParseError(std::string("archive ") + kAttachedIndexFile + ": \"" + a.ref_name +
                          "\" is not the name of a signature, attestation or SBOM");
      }
      if (a.ref_name.find_first_of("/:") == std::string::npos) a.names = NamesBesideSubject(a.ref_name, plan.images);
    }
  }
  return plan;
}

}  // namespace hoist::store
