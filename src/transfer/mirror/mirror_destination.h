#pragma once
// A mirror's registry destination: RegistryDestination with fewer round trips per image. A blob
// below the chunked-upload size is offered to the registry as a mount, from a repository known to
// hold it or else from the destination repository itself: one POST answers both "is it already
// here?" (201) and "where do I upload it?" (202 with an upload session, then one PUT), where
// HEAD, POST and PUT took three. Manifests are PUT without a HEAD first: a mirror only copies an
// image it found missing or different. Large blobs go RegistryDestination's way (resumable
// chunks), as does everything else. A registry that ignores mounts answers 202 every time: the
// copy stays correct, but a small blob left by an interrupted run is then sent again.

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "core/reference.h"
#include "registry/client/repository.h"
#include "transfer/registry_destination.h"

namespace hoist::transfer::mirror {

class MirrorDestination : public transfer::RegistryDestination {
 public:
  MirrorDestination(registry::Repository repo, Reference ref, RegistryDestinationOptions options);
  // Cancels the upload sessions a failed copy left open.
  ~MirrorDestination() override;

  Result<Reuse> TryReuseBlob(const Descriptor& blob) override;
  Status PutBlob(Reader& content, const Descriptor& blob) override;
  Status PutBlobFrom(const BlobOpener& open, const Descriptor& blob) override;
  Status PutManifest(const ManifestBytes& manifest, const std::string& tag) override;

 private:
  std::optional<registry::UploadSession> TakeSession(const Digest& digest);
  Status Finish(registry::UploadSession session, Reader& content, const Descriptor& blob,
                std::function<Status()> rewind);
  void Seen(const Digest& d) {
    if (options_.cache) options_.cache->Record(d, ref_.domain(), ref_.repository());
  }

  registry::Repository repo_;
  Reference ref_;
  RegistryDestinationOptions options_;
  std::mutex mu_;
  std::map<std::string, registry::UploadSession> sessions_;  // opened by TryReuseBlob, by digest
};

}  // namespace hoist::transfer::mirror
