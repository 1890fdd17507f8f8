#pragma once
// The `oci-archive:FILE[:REF]` destination: an OCI image layout in a tar, written as a stream
// (blobs as they come, index.json and oci-layout at Commit). Blobs are stored as they are,
// compressed or not. Each named PutManifest gets an index.json entry whose
// org.opencontainers.image.ref.name is the full reference.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/reference.h"
#include "store/oci_archive_output.h"
#include "store/oci_archive_writer.h"
#include "transfer/image_destination.h"

namespace hoist::transfer {

class OciArchiveDestination : public ImageDestination {
 public:
  static Result<std::unique_ptr<OciArchiveDestination>> Open(const std::string& path, std::optional<Reference> name,
                                                             const std::string& spool_dir);

  std::string Describe() const override { return "oci-archive:" + output_->describe(); }
  Result<Reuse> TryReuseBlob(const Descriptor& blob) override;
  Status PutBlob(Reader& content, const Descriptor& blob) override;
  // `tag`: a full reference or a tag for the location's REF; empty with no REF: the manifest is
  // only a blob (an index's child), unless it is the last one put and nothing else is named.
  Status PutManifest(const ManifestBytes& manifest, const std::string& tag) override;
  Status Commit() override;

 private:
  OciArchiveDestination() = default;
  std::unique_ptr<store::ArchiveFileOutput> output_;
  std::unique_ptr<store::OciArchiveWriter> writer_;
  std::optional<Reference> name_;
  std::mutex mu_;
  std::optional<Descriptor> last_;
  bool named_any_ = false;
};

}  // namespace hoist::transfer
