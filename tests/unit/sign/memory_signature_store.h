#pragma once
// An in-memory SignatureStore for unit tests of signing and verifying logic: manifests by digest
// and by tag, blobs by digest. (The real locations are exercised by tests/integration/sign_test.cc.)

#include <map>
#include <string>

#include "core/media_types.h"
#include "sign/signature_store.h"

namespace hoist::sign::testing {

class MemorySignatureStore : public SignatureStore {
 public:
  // Adds a manifest and makes it what Resolve() returns.
  Digest AddImage(const std::string& bytes, const std::string& media_type = std::string(kOciManifest)) {
    Digest d = Digest::Of(bytes);
    manifests[d.str()] = StoredManifest{bytes, media_type, d};
    top = d;
    return d;
  }

  std::string Describe() const override { return "memory"; }
  Result<StoredManifest> Resolve() override { return GetManifest(top); }
  Result<StoredManifest> GetManifest(const Digest& d) override {
    auto it = manifests.find(d.str());
    if (it == manifests.end()) return NotFound("manifest " + d.str());
    return it->second;
  }
  Result<std::optional<StoredManifest>> FindTagged(const std::string& tag) override {
    auto it = tags.find(tag);
    if (it == tags.end()) return std::optional<StoredManifest>();
    return std::optional<StoredManifest>(manifests.at(it->second));
  }
  Result<std::string> ReadBlob(const Descriptor& blob, uint64_t limit) override {
    ++blob_reads;
    if (blob.size < 0 || static_cast<uint64_t>(blob.size) > limit) return TooLarge("blob over the limit");
    auto it = blobs.find(blob.digest.str());
    if (it == blobs.end()) return NotFound("blob " + blob.digest.str());
    if (Digest::Of(it->second) != blob.digest || it->second.size() != static_cast<size_t>(blob.size)) {
      return DigestMismatch("blob " + blob.digest.str() + " does not match its descriptor");
    }
    return it->second;
  }
  Status WriteBlob(std::string_view bytes, std::string_view) override {
    blobs[Digest::Of(bytes).str()] = std::string(bytes);
    return Ok();
  }
  Status WriteManifest(std::string_view bytes, std::string_view media_type, const std::string& tag) override {
    Digest d = Digest::Of(bytes);
    manifests[d.str()] = StoredManifest{std::string(bytes), std::string(media_type), d};
    tags[tag] = d.str();
    return Ok();
  }

  std::map<std::string, StoredManifest> manifests;
  std::map<std::string, std::string> tags;  // tag → digest string
  std::map<std::string, std::string> blobs;
  Digest top = Digest::Of("");
  size_t blob_reads = 0;
};

}  // namespace hoist::sign::testing
