#pragma once
// docker://HOST/REPO[:TAG] as a destination. A blob already there (HEAD) is skipped; one seen in
// another repository of the same registry is mounted; the rest is uploaded — small blobs in one
// streamed PUT, large ones in chunks whose upload session is saved after every chunk, so an
// interrupted push continues from the registry's offset; a connection cut mid-upload is
// recovered from within the run (chunked_upload.h). Manifests already there under the same
// digest are not sent again.

#include <string>
#include <vector>

#include "core/reference.h"
#include "registry/client/repository.h"
#include "transfer/blob_info_cache.h"
#include "transfer/image_destination.h"
#include "transfer/resume_state.h"
#include "transfer/rewindable_blob_reader.h"

namespace hoist::transfer {

struct RegistryDestinationOptions {
  // Blobs at least this large are uploaded in resumable chunks.
  int64_t chunked_threshold = 16 << 20;
  // One PATCH each (the last one goes with the closing PUT), streamed from the source (nothing
  // held in memory); the upload session is saved after every chunk, so this is how far back an
  // interrupted push goes.
  uint64_t chunk_size = 16 << 20;
  // Repositories on this registry to try mounting from first (the source of a same-registry copy).
  std::vector<std::string> mount_hints;
  BlobInfoCache* cache = nullptr;    // may be null
  const ResumeState* resume = nullptr;  // may be null
};

class RegistryDestination : public ImageDestination {
 public:
  RegistryDestination(registry::Repository repo, Reference ref, RegistryDestinationOptions options)
      : repo_(std::move(repo)), ref_(std::move(ref)), options_(std::move(options)) {}

  std::string Describe() const override { return "docker://" + ref_.str(); }
  Result<Reuse> TryReuseBlob(const Descriptor& blob) override;
  Status PutBlob(Reader& content, const Descriptor& blob) override;
  Status PutBlobFrom(const BlobOpener& open, const Descriptor& blob) override;
  Status PutManifest(const ManifestBytes& manifest, const std::string& tag) override;
  Status Commit() override { return Ok(); }
  bool WantsCompressedLayers() const override { return true; }

 private:
  Status PutChunked(const BlobOpener& open, const Descriptor& blob);
  void Seen(const Digest& d) {
    if (options_.cache) options_.cache->Record(d, ref_.domain(), ref_.repository());
  }

  registry::Repository repo_;
  Reference ref_;
  RegistryDestinationOptions options_;
};

// Whether a failed upload of a small blob is worth starting again in a fresh session.
bool WorthANewUpload(const Error& e);

}  // namespace hoist::transfer
