#pragma once
// The `oci-archive:FILE[:REF]` destination: an OCI image layout in a tar, written as a stream
// (blobs as they come, index.json and oci-layout at Commit). Blobs are stored as they are,
// compressed or not. Each named PutManifest gets an index.json entry whose
// org.opencontainers.image.ref.name is its name exactly as given ("v1", "app:1", or the full
// reference `hoist save` passes), as skopeo writes the REF of oci-archive:FILE:REF; a root
// manifest put without a name gets an entry without ref.name (skopeo's unnamed entry).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/reference.h"
#include "store/oci_archive_output.h"
#include "store/oci_archive_writer.h"
#include "transfer/image_destination.h"
#include "transfer/layout_names.h"

namespace hoist::transfer {

class OciArchiveDestination : public ImageDestination {
 public:
  static Result<std::unique_ptr<OciArchiveDestination>> Open(const std::string& path, const std::string& spool_dir);

  std::string Describe() const override { return "oci-archive:" + output_->describe(); }
  Result<Reuse> TryReuseBlob(const Descriptor& blob) override;
  Status PutBlob(Reader& content, const Descriptor& blob) override;
  // `tag`: the ref.name, verbatim; empty: the manifest is only a blob (an index's child), unless no
  // manifest put lists it (then it is an unnamed root: by digest, or no REF).
  Status PutManifest(const ManifestBytes& manifest, const std::string& tag) override;
  Status Commit() override;

 private:
  OciArchiveDestination() = default;
  std::unique_ptr<store::ArchiveFileOutput> output_;
  std::unique_ptr<store::OciArchiveWriter> writer_;
  std::mutex mu_;
  UnnamedRoots unnamed_;
};

}  // namespace hoist::transfer
