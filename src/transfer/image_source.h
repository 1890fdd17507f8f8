#pragma once
// Where an image is read from. One implementation per location kind (registry, OCI layout/store,
// oci-archive, docker-archive). A source hands out raw bytes and never re-encodes them, so digests
// survive a copy.
//
// Calls: GetManifest(nullopt) first (the top-level manifest or index the location names), then
// GetManifest(child digest) for children of an index, GetBlob for configs and layers in any order
// and from several threads at once, ListTags/ListSignatures as needed. Close() last.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/io.h"

namespace hoist::transfer {

struct ManifestBytes {
  std::string bytes;       // exactly as stored: its digest is the manifest's digest
  std::string media_type;  // Content-Type or the descriptor's mediaType
};

class ImageSource {
 public:
  virtual ~ImageSource() = default;

  // A human name for messages: "docker://127.0.0.1:5000/app:1", "oci:/tmp/x:app".
  virtual std::string Describe() const = 0;

  // nullopt: the manifest or index this location names. A digest: a child named by an index (or a
  // signature/referrer manifest). The bytes are verified against `instance` by the source.
  virtual Result<ManifestBytes> GetManifest(const std::optional<Digest>& instance) = 0;

  // A blob stream starting at `offset` (for resuming; sources that cannot seek return kUnsupported
  // for offset > 0). The caller verifies digest and size of what it reads. Thread-safe.
  virtual Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t offset) = 0;

  // The same stream written into `out` on the caller's thread (`out` may have taken some bytes
  // when it fails). The default reads GetBlob; a registry source downloads straight into `out`.
  virtual Status WriteBlob(const Descriptor& blob, uint64_t offset, Writer& out);

  // Whether blobs of this source can be copied as is (false for docker-archive layers that a
  // registry should receive compressed: the copy then compresses them and says so).
  virtual bool LayersAreCompressed() const { return true; }

  // Tags of the repository (for --all-tags); kUnsupported where a location has no such notion.
  virtual Result<std::vector<std::string>> ListTags() { return Unsupported("listing tags of " + Describe()); }

  // Manifests attached to `subject`: cosign-style sha256-<hex>.sig/.att/.sbom tags and OCI
  // referrers. Each entry names a tag (cosign) or is an untagged referrer (tag empty).
  struct Attached {
    std::string tag;
    Descriptor manifest;
  };
  virtual Result<std::vector<Attached>> ListAttached(const Descriptor& /*subject*/) { return std::vector<Attached>{}; }
};

}  // namespace hoist::transfer
