#pragma once
// Where an image is written. Calls, in this order:
//   1. TryReuseBlob for each blob (already there? mountable from a repository seen before?),
//      PutBlob for the rest, from several threads at once;
//   2. PutManifest for every manifest, children before the index that lists them, the named one
//      last (with the tag, if any);
//   3. attached manifests (signatures, referrers) through the same calls;
//   4. Commit().
// Destroying a destination without Commit() rolls back what it can (temp files, unfinished
// archives); blobs already in a registry stay, which is harmless.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/io.h"
#include "transfer/image_source.h"

namespace hoist::transfer {

enum class Reuse { kNo, kPresent, kMounted };

class ImageDestination {
 public:
  virtual ~ImageDestination() = default;

  virtual std::string Describe() const = 0;

  // Whether the blob is already there or could be mounted; never an error when it is not.
  virtual Result<Reuse> TryReuseBlob(const Descriptor& blob) = 0;

  // Streams `content` and verifies it is exactly `blob` (digest and size) before it becomes
  // visible; on any failure nothing partial stays visible. Thread-safe.
  virtual Status PutBlob(Reader& content, const Descriptor& blob) = 0;

  // Stores the manifest bytes unchanged. `tag` empty: by digest only.
  virtual Status PutManifest(const ManifestBytes& manifest, const std::string& tag) = 0;

  // Whether layers must be uncompressed here (docker-archive).
  virtual bool WantsUncompressedLayers() const { return false; }

  virtual Status Commit() = 0;
};

}  // namespace hoist::transfer
