#pragma once
// The `docker save` format, in its Docker 25+ shape: an OCI image layout (blobs/sha256/…,
// index.json, oci-layout) plus manifest.json and repositories, which is what docker, podman and
// skopeo read. Layers in a docker archive are uncompressed tars: the blob of a layer is its
// diff_id. The caller writes the config, the uncompressed layers and a manifest naming them
// through blobs(), then AddImage() for each image.

#include <string>
#include <vector>

#include "core/error.h"
#include "core/manifest.h"
#include "core/reference.h"
#include "store/oci_archive_writer.h"

namespace hoist::store {

class DockerArchiveWriter {
 public:
  explicit DockerArchiveWriter(ArchiveOutput out) : blobs_(std::move(out)) {}
  LayoutTarWriter& blobs() { return blobs_; }

  // `manifest` (already written as a blob, as its config and layers) gets a manifest.json entry
  // with `tags` as RepoTags (references without a tag are left out), and index.json entries.
  // Its layers must be uncompressed.
  Status AddImage(const Manifest& manifest, const std::vector<Reference>& tags);

  // index.json, manifest.json, oci-layout, repositories, end of archive.
  Status Finish();

 private:
  LayoutTarWriter blobs_;
  nlohmann::ordered_json manifest_json_ = nlohmann::ordered_json::array();
  nlohmann::ordered_json repositories_ = nlohmann::ordered_json::object();
  std::vector<Descriptor> index_;
};

// "alpine:3.19", "localhost:5000/x:1": the RepoTags spelling docker uses; empty without a tag.
std::string DockerRepoTag(const Reference& ref);

}  // namespace hoist::store
