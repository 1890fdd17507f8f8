#pragma once
// What an image archive holds, worked out from its files and checked whole before anything enters
// the store: every blob present, of the size and digest its descriptor says, every manifest and
// config valid. Used for oci-archive tars (index.json + blobs/) and, through docker_archive_reader.h,
// for docker-archive tars.

#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/reference.h"
#include "store/oci_archive_entries.h"

namespace hoist::store {

struct ArchiveImage {
  std::vector<Reference> names;  // empty for an unnamed image
  std::string ref_name;          // oci-archive: org.opencontainers.image.ref.name as written ("" if none)
  Descriptor root;               // the manifest or index
  std::optional<Digest> image_id;  // the config digest of a single-platform image
};

struct ArchivePlan {
  std::vector<ArchiveImage> images;
  std::vector<ArchiveImage> attached;  // oci-archive: the signatures kAttachedIndexFile lists
  std::vector<const ArchiveFile*> blobs;  // each once; manifests included
  std::vector<std::string> made_manifests;  // manifests written by the reader (docker-archive)
};

// The images an OCI layout archive names in its index.json. Names come from the
// io.containerd.image.name annotation, else from org.opencontainers.image.ref.name read as a
// reference, as podman load does: "localhost:5000/x/y:2" and "app:1" name themselves; a bare word
// such as "v1" (what `skopeo copy … oci-archive:FILE:v1` writes) names the repository "v1" with tag
// latest (podman: localhost/v1:latest; hoist normalizes as everywhere: docker.io/library/v1:latest).
// A ref.name that is no reference at all ("V1", "a b") loads unnamed.
Result<ArchivePlan> ReadOciArchive(const ArchiveEntries& entries);

// Adds `desc` and everything below it to `plan` (checked). Shared with the docker-archive reader.
class BlobWalker {
 public:
  BlobWalker(const ArchiveEntries& entries, ArchivePlan& plan) : entries_(entries), plan_(plan) {}
  // Returns the config digest for an image manifest, nullopt for an index or other blob.
  Result<std::optional<Digest>> Walk(const Descriptor& desc, const std::string& what, int depth = 0);
  void Add(const ArchiveFile* f);

 private:
  const ArchiveEntries& entries_;
  ArchivePlan& plan_;
  std::vector<std::string> seen_;
};

// "docker.io/library/x:1" or "x:1" → a reference; a bare word ("latest") → nullopt unless
// `bare_is_repository` (then "latest" → docker.io/library/latest:latest).
std::optional<Reference> NameFromAnnotation(const std::string& value, bool bare_is_repository = false);

}  // namespace hoist::store
