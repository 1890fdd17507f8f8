#pragma once
// The `oci-archive:FILE[:REF]` and `docker-archive:FILE[:REF]` sources. An archive is a tar that
// can only be read front to back (and may come compressed), so opening one reads it once: its
// files are spooled into a private temp directory, and the whole archive is checked there
// exactly as `hoist load` checks it (store/oci_archive_reader.h, docker_archive_reader.h). Blobs
// are then served from the spooled files; the directory goes with the source.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/reference.h"
#include "store/oci_archive_entries.h"
#include "store/oci_archive_reader.h"
#include "transfer/image_source.h"

namespace hoist::transfer {

class ArchiveSource : public ImageSource {
 public:
  enum class Format { kOciArchive, kDockerArchive };
  // `name`: the location's REF as written, which image of a multi-image archive ("" takes the only
  // one). oci-archive: the org.opencontainers.image.ref.name, matched verbatim first, then as the
  // reference it parses as ("app" finds hoist save's "docker.io/library/app:latest").
  // docker-archive: a reference among the RepoTags, or "@N", the Nth image (0-based, as skopeo).
  // `temp_parent`: where the spool directory is made.
  static Result<std::unique_ptr<ArchiveSource>> Open(Format format, const std::string& path, const std::string& name,
                                                     const std::string& temp_parent);
  ~ArchiveSource() override;

  std::string Describe() const override { return describe_; }
  Result<ManifestBytes> GetManifest(const std::optional<Digest>& instance) override;
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) override;
  bool LayersAreCompressed() const override { return format_ == Format::kOciArchive; }
  // The cosign manifests an oci-archive holds for `subject` (in kAttachedIndexFile, or in
  // index.json under an attachment tag).
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override;
  // Names the chosen image carries in the archive.
  const std::vector<Reference>& names() const { return image_.names; }

 private:
  ArchiveSource() = default;
  Result<store::ArchiveImage> Choose(const std::string& name) const;
  Result<std::string> ReadBlobBytes(const Digest& d) const;

  Format format_ = Format::kOciArchive;
  std::string describe_;
  std::string temp_dir_;
  std::unique_ptr<store::ArchiveEntries> entries_;
  store::ArchivePlan plan_;
  store::ArchiveImage image_;
};

}  // namespace hoist::transfer
