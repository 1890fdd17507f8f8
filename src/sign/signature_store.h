#pragma once
// Where an image and its cosign signatures live: a registry repository (registry_signature_store.h)
// or an OCI image layout, the local store or an oci:DIR (layout_signature_store.h). Signing and
// verifying speak only this small interface, so every location kind signs the same way: the
// signature manifest is tagged sha256-<hex>.sig next to the image, exactly as in a registry.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/error.h"

namespace hoist::sign {

struct StoredManifest {
  std::string bytes;       // exactly as stored
  std::string media_type;  // as served or as its descriptor says
  Digest digest = Digest::Of("");  // computed by hoist over `bytes`
};

class SignatureStore {
 public:
  virtual ~SignatureStore() = default;

  // For messages: "docker://127.0.0.1:5000/app:1", "oci:/tmp/layout:app".
  virtual std::string Describe() const = 0;

  // The manifest or index the location names.
  virtual Result<StoredManifest> Resolve() = 0;
  // A manifest by digest (a child of an index); the bytes are checked against `digest`.
  virtual Result<StoredManifest> GetManifest(const Digest& digest) = 0;
  // The manifest tagged `tag`, or nullopt when nothing has that tag.
  virtual Result<std::optional<StoredManifest>> FindTagged(const std::string& tag) = 0;

  // A small blob read whole and checked against the descriptor's digest and size; kTooLarge when
  // the descriptor says more than `limit` bytes.
  virtual Result<std::string> ReadBlob(const Descriptor& blob, uint64_t limit) = 0;
  // Stores `bytes` under their digest (present already: nothing to do).
  virtual Status WriteBlob(std::string_view bytes, std::string_view media_type) = 0;
  // Stores the manifest and points `tag` at it.
  virtual Status WriteManifest(std::string_view bytes, std::string_view media_type, const std::string& tag) = 0;
};

}  // namespace hoist::sign
