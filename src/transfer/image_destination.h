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
#include <type_traits>

#include "core/descriptor.h"
#include "core/error.h"
#include "core/io.h"
#include "transfer/image_source.h"

namespace hoist::transfer {

enum class Reuse { kNo, kPresent, kMounted };

// The blob's content from byte `offset`, as the copy engine hands it to a destination (a source's
// GetBlob/WriteBlob, wrapped): opened as a Reader, `open(offset)`, or written into the
// destination's own Writer on the caller's thread, `WriteTo(offset, out)`, which a registry source
// does without a download thread and the copy between it and the reader. A lambda converts to
// an opener without WriteTo, which then opens and copies.
class BlobOpener {
 public:
  using Open = std::function<Result<std::unique_ptr<Reader>>(uint64_t offset)>;
  using Push = std::function<Status(uint64_t offset, Writer& out)>;

  template <typename F>
    requires std::is_invocable_r_v<Result<std::unique_ptr<Reader>>, F&, uint64_t>
  BlobOpener(F open) : open_(std::move(open)) {}  // NOLINT: a lambda is an opener
  BlobOpener(Open open, Push push) : open_(std::move(open)), push_(std::move(push)) {}

  Result<std::unique_ptr<Reader>> operator()(uint64_t offset) const { return open_(offset); }
  // Everything from `offset` to the end into `out`; `out` may have taken some bytes when it fails.
  Status WriteTo(uint64_t offset, Writer& out) const;

 private:
  Open open_;
  Push push_;
};

class ImageDestination {
 public:
  virtual ~ImageDestination() = default;

  virtual std::string Describe() const = 0;

  // Whether the blob is already there or could be mounted; never an error when it is not.
  virtual Result<Reuse> TryReuseBlob(const Descriptor& blob) = 0;

  // Streams `content` and verifies it is exactly `blob` (digest and size) before it becomes
  // visible; on any failure nothing partial stays visible. Thread-safe.
  virtual Status PutBlob(Reader& content, const Descriptor& blob) = 0;

  using BlobOpener = transfer::BlobOpener;
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
