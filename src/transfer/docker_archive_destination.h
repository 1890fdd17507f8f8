#pragma once
// The `docker-archive:FILE[:REF]` destination: a `docker save` tar (Docker 25+ shape, see
// store/docker_archive_writer.h). Docker archives hold uncompressed layers, so
// WantsUncompressedLayers() is true: the copy hands PutBlob each layer decompressed, as the
// blob of its diff_id (size -1 when not known). PutManifest may receive the source's manifest
// (compressed layers): the destination then writes a manifest naming the uncompressed layers
// by their diff_ids. Several images (PutManifest calls) share one archive and their blobs.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/manifest.h"
#include "core/reference.h"
#include "store/docker_archive_writer.h"
#include "store/oci_archive_output.h"
#include "transfer/image_destination.h"

namespace hoist::transfer {

class DockerArchiveDestination : public ImageDestination {
 public:
  // `path` "-" is standard output; `name` (the location's REF) names images whose PutManifest
  // carries a bare tag or none; `spool_dir` holds layers of unknown size when writing to a pipe.
  static Result<std::unique_ptr<DockerArchiveDestination>> Open(const std::string& path,
                                                                std::optional<Reference> name,
                                                                const std::string& spool_dir);

  std::string Describe() const override { return "docker-archive:" + output_->describe(); }
  Result<Reuse> TryReuseBlob(const Descriptor& blob) override;
  Status PutBlob(Reader& content, const Descriptor& blob) override;
  // `tag`: a full reference ("docker.io/library/x:1") or a tag for the location's REF; empty:
  // the location's REF, or unnamed. Putting the same manifest again adds a name.
  Status PutManifest(const ManifestBytes& manifest, const std::string& tag) override;
  bool WantsUncompressedLayers() const override { return true; }
  Status Commit() override;

 private:
  DockerArchiveDestination() = default;
  Result<Manifest> UncompressedManifest(const Manifest& m);

  std::unique_ptr<store::ArchiveFileOutput> output_;
  std::unique_ptr<store::DockerArchiveWriter> writer_;
  std::optional<Reference> name_;
  std::mutex mu_;
  std::map<std::string, std::string> configs_;  // digest → bytes of configs written
  struct Image {
    Manifest manifest;
    std::vector<Reference> names;
  };
  std::vector<Image> images_;
};

// A manifest name as destinations receive it: a full reference, a tag for `base`, or nothing.
Result<std::optional<Reference>> NameForManifest(const std::string& tag, const std::optional<Reference>& base);

// A name `docker load` can give an archived image, as skopeo reads --additional-tag: NAME[:TAG]
// normalized, ":latest" when no tag; a digest is refused (RepoTags hold tags).
Result<std::string> ArchivedImageName(const std::string& text);

}  // namespace hoist::transfer
