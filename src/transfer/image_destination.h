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
#include <functional>
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

  // Opens the blob's content from byte `offset` (a source's GetBlob, wrapped by the copy engine).
  using BlobOpener = std::function<Result<std::unique_ptr<Reader>>(uint64_t offset)>;
  // PutBlob for destinations that can continue what an earlier, interrupted run left behind (a
  // partial download, an open upload session): they ask `open` for the rest from where they
  // stand. Same guarantees as PutBlob. The default starts from byte 0.
  virtual Status PutBlobFrom(const BlobOpener& open, const Descriptor& blob) {
    HOIST_TRY_ASSIGN(std::unique_ptr<Reader> content, open(0));
    return PutBlob(*content, blob);
  }

  // Stores the manifest bytes unchanged. `tag` empty: by digest only.
  virtual Status PutManifest(const ManifestBytes& manifest, const std::string& tag) = 0;

  // Whether layers must be uncompressed here (docker-archive).
  virtual bool WantsUncompressedLayers() const { return false; }
  // Whether uncompressed layers are compressed on the way here (registries).
  virtual bool WantsCompressedLayers() const { return false; }

  virtual Status Commit() = 0;
};

}  // namespace hoist::transfer
