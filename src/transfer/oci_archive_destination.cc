#include "transfer/oci_archive_destination.h"

#include "core/manifest.h"

namespace hoist::transfer {

Result<std::unique_ptr<OciArchiveDestination>> OciArchiveDestination::Open(const std::string& path,
                                                                           const std::string& spool_dir) {
  std::unique_ptr<OciArchiveDestination> d(new OciArchiveDestination());
  HOIST_TRY_ASSIGN(d->output_, store::ArchiveFileOutput::Open(path, spool_dir));
  d->writer_ = std::make_unique<store::OciArchiveWriter>(d->output_->target());
  return d;
}

Result<Reuse> OciArchiveDestination::TryReuseBlob(const Descriptor& blob) {
  std::lock_guard<std::mutex> lock(mu_);
  return writer_->blobs().HasBlob(blob.digest) ? Reuse::kPresent : Reuse::kNo;
}

Status OciArchiveDestination::PutBlob(Reader& content, const Descriptor& blob) {
  std::lock_guard<std::mutex> lock(mu_);
  return writer_->blobs().AddBlob(content, blob.digest, blob.size);
}

Status OciArchiveDestination::PutManifest(const ManifestBytes& manifest, const std::string& tag) {
  std::lock_guard<std::mutex> lock(mu_);
  HOIST_TRY_ASSIGN(AnyManifest parsed, ParseAnyManifest(manifest.bytes, manifest.media_type));
  Descriptor d = std::visit([](const auto& m) { return m.ToDescriptor(); }, parsed);
  StringReader r(manifest.bytes);
  HOIST_TRY(writer_->blobs().AddBlob(r, d.digest, d.size));
  if (!tag.empty()) writer_->AddManifest(d, tag);
  unnamed_.Put(parsed, d, tag);
  return Ok();
}

Status OciArchiveDestination::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (unnamed_.empty()) return InvalidArgument("nothing to write: no image was put into " + Describe());
  for (const Descriptor& d : unnamed_.Roots()) writer_->AddManifest(d, "");
  HOIST_TRY(writer_->Finish());
  return output_->Commit();
}

}  // namespace hoist::transfer
