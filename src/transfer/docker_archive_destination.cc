#include "transfer/docker_archive_destination.h"

#include "core/compression.h"
#include "core/manifest_convert.h"
#include "core/image_config.h"
#include "core/media_types.h"

namespace hoist::transfer {

Result<std::optional<Reference>> NameForManifest(const std::string& tag, const std::optional<Reference>& base) {
  if (tag.empty()) return base;
  if (tag.find_first_of("/:@") != std::string::npos) {
    HOIST_TRY_ASSIGN(Reference ref, Reference::Parse(tag));
    return std::optional<Reference>(ref);
  }
  if (!base) return InvalidArgument("tag " + tag + " given without a repository to apply it to");
  HOIST_TRY_ASSIGN(Reference ref, base->WithTag(tag));
  return std::optional<Reference>(ref);
}

Result<std::string> ArchivedImageName(const std::string& text) {
  HOIST_TRY_ASSIGN(Reference ref, Reference::Parse(text));
  if (ref.digest()) return InvalidArgument(text + ": a name with a digest cannot name an archived image");
  if (ref.tag()) return ref.str();
  HOIST_TRY_ASSIGN(Reference tagged, ref.WithTag("latest"));
  return tagged.str();
}

Result<std::unique_ptr<DockerArchiveDestination>> DockerArchiveDestination::Open(const std::string& path,
                                                                                 std::optional<Reference> name,
                                                                                 const std::string& spool_dir) {
  std::unique_ptr<DockerArchiveDestination> d(new DockerArchiveDestination());
  HOIST_TRY_ASSIGN(d->output_, store::ArchiveFileOutput::Open(path, spool_dir));
  d->writer_ = std::make_unique<store::DockerArchiveWriter>(d->output_->target());
  d->name_ = std::move(name);
  return d;
}

Result<Reuse> DockerArchiveDestination::TryReuseBlob(const Descriptor& blob) {
  std::lock_guard<std::mutex> lock(mu_);
  return writer_->blobs().HasBlob(blob.digest) ? Reuse::kPresent : Reuse::kNo;
}

Status DockerArchiveDestination::PutBlob(Reader& content, const Descriptor& blob) {
  std::lock_guard<std::mutex> lock(mu_);  // one tar stream: entries are written one at a time
  if (IsConfig(blob.media_type) && blob.size >= 0 && static_cast<size_t>(blob.size) <= kMaxConfigSize) {
    HOIST_TRY_ASSIGN(std::string bytes, ReadAll(content, kMaxConfigSize));
    StringReader r(bytes);
    HOIST_TRY(writer_->blobs().AddBlob(r, blob.digest, blob.size));
    configs_[blob.digest.str()] = std::move(bytes);
    return Ok();
  }
  return writer_->blobs().AddBlob(content, blob.digest, blob.size);
}

Result<Manifest> DockerArchiveDestination::UncompressedManifest(const Manifest& m) {
  auto cfg = configs_.find(m.config().digest.str());
  if (cfg == configs_.end()) {
    return InvalidArgument("manifest " + m.digest().str() + ": its config was not written to the archive first");
  }
  HOIST_TRY_ASSIGN(ImageConfig config, ImageConfig::Parse(cfg->second));
  HOIST_TRY(config.CheckLayers(m.layers().size()));
  bool changed = false;
  std::vector<Descriptor> layers;
  for (size_t i = 0; i < m.layers().size(); ++i) {
    const Descriptor& l = m.layers()[i];
    auto c = LayerCompressionOf(l.media_type);
    if (c == Compression::kNone && writer_->blobs().HasBlob(l.digest)) {
      layers.push_back(l);
      continue;
    }
    const Digest& diff_id = config.diff_ids()[i];
    auto size = writer_->blobs().BlobSize(diff_id);
    if (!size) {
      return InvalidArgument("layer " + std::to_string(i) + " of manifest " + m.digest().str() +
                             ": its uncompressed content " + diff_id.str() + " was not written to the archive");
    }
    Descriptor d;
    d.media_type = kOciLayerTar;
    d.digest = diff_id;
    d.size = *size;
    layers.push_back(std::move(d));
    changed = true;
  }
  // The manifest of a docker archive is the writer's choice (docker load reads only manifest.json):
  // OCI media types, as Docker 25+ writes, so OCI tools read a loaded image from any layout.
  if (!changed) return ConvertManifest(m, ManifestFormat::kOci);
  return ConvertManifest(Manifest(m.media_type(), m.config(), std::move(layers)), ManifestFormat::kOci);
}

Status DockerArchiveDestination::PutManifest(const ManifestBytes& bytes, const std::string& tag) {
  std::lock_guard<std::mutex> lock(mu_);
  if (IsIndex(bytes.media_type)) {
    return Unsupported("a docker archive holds single-platform images: choose one platform of the index");
  }
  HOIST_TRY_ASSIGN(Manifest source, Manifest::Parse(bytes.bytes, bytes.media_type));
  HOIST_TRY_ASSIGN(Manifest m, UncompressedManifest(source));
  HOIST_TRY_ASSIGN(auto name, NameForManifest(tag, name_));
  for (auto& image : images_) {
    if (image.manifest.digest() == m.digest()) {
      if (name) image.names.push_back(*name);
      return Ok();
    }
  }
  StringReader r(m.raw());
  HOIST_TRY(writer_->blobs().AddBlob(r, m.digest(), m.size()));
  Image image{std::move(m), {}};
  if (name) image.names.push_back(*name);
  images_.push_back(std::move(image));
  return Ok();
}

Status DockerArchiveDestination::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (images_.empty()) return InvalidArgument("nothing to write: no image was put into " + Describe());
  for (const auto& image : images_) HOIST_TRY(writer_->AddImage(image.manifest, image.names));
  HOIST_TRY(writer_->Finish());
  return output_->Commit();
}

}  // namespace hoist::transfer
