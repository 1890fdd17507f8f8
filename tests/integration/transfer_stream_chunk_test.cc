// The transfer engine streams large blobs to a registry in chunks read straight from the source
// (nothing held in memory). A chunk the registry must get again (503, a reset before any body
// byte) is read again from the source, the hash rolled back, and the blob arrives intact; a
// corrupted source never completes the upload.

#include <atomic>

#include <catch2/catch.hpp>

#include "integration/registry_fault_support.h"
#include "transfer/registry_destination.h"

using namespace hoist;
using namespace hoist::testing;

namespace {

constexpr uint64_t kKiB = 1024;

// Opens the pattern blob at any offset, counting the opens; `flip` corrupts one byte.
class PatternOpener {
 public:
  PatternOpener(uint64_t size, uint64_t seed, int64_t flip = -1) : size_(size), seed_(seed), flip_(flip) {}
  transfer::ImageDestination::BlobOpener opener() {
    return [this](uint64_t offset) -> Result<std::unique_ptr<Reader>> {
      ++opens;
      auto r = std::make_unique<Flipped>(size_, seed_, flip_);
      r->Seek(offset);
      return std::unique_ptr<Reader>(std::move(r));
    };
  }
  std::atomic<int> opens{0};

 private:
  class Flipped : public PatternBlob {
   public:
    Flipped(uint64_t size, uint64_t seed, int64_t flip) : PatternBlob(size, seed), flip_(flip) {}
    Result<size_t> Read(char* buf, size_t n) override {
      uint64_t start = pos_;
      HOIST_TRY_ASSIGN(size_t got, PatternBlob::Read(buf, n));
      pos_ += got;
      if (flip_ >= 0 && static_cast<uint64_t>(flip_) >= start && static_cast<uint64_t>(flip_) < pos_) {
        buf[flip_ - start] ^= 0x01;
      }
      return got;
    }
    void Seek(uint64_t offset) {
      PatternBlob::Seek(offset);
      pos_ = offset;
    }

   private:
    int64_t flip_;
    uint64_t pos_ = 0;
  };
  uint64_t size_, seed_;
  int64_t flip_;
};

transfer::RegistryDestination DestinationAt(FaultProxy& proxy, const std::string& repo) {
  auto http = std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{});
  auto ref = Reference::Parse(proxy.host() + "/" + repo + ":1");
  REQUIRE(ref.ok());
  transfer::RegistryDestinationOptions options;
  options.chunked_threshold = 1;
  options.chunk_size = 256 * kKiB;
  return transfer::RegistryDestination(OpenAt(proxy.url(), http, repo), *ref, options);
}

}  // namespace

TEST_CASE("a streamed chunk sent again after 503 or a reset is read again from its source") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  using K = PathKind;
  proxy.AddRule({.method = "PATCH", .kind = K::kUpload, .skip = 1, .every = 4, .fault = Fault::Status(503)});
  proxy.AddRule({.method = "PATCH", .kind = K::kUpload, .skip = 2, .every = 5, .fault = Fault::ResetRequestBody(0)});
  auto dest = DestinationAt(proxy, "stream/retry");
  const uint64_t size = 3 * 1024 * kKiB + 5, seed = 77;
  PatternOpener source(size, seed);
  Status put = dest.PutBlobFrom(source.opener(), PatternDescriptor(size, seed));
  INFO(Describe(put));
  REQUIRE(put.ok());
  CHECK(FaultsLike(proxy, "status 503") >= 2);
  CHECK(FaultsLike(proxy, "reset request after 0") >= 2);
  // One open for the stream, one more for every resend of a chunk the source had started on.
  CHECK(source.opens.load() > 1);
  auto http = std::make_shared<ProxyStack>(registry->host(), ProxyStackOptions{});
  ExpectPatternBlob(OpenAt(registry->url(), http, "stream/retry"), size, seed);
}

TEST_CASE("a streamed upload of a corrupted source fails as a digest mismatch and leaves no blob") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  auto dest = DestinationAt(proxy, "stream/corrupt");
  const uint64_t size = 1024 * kKiB + 17, seed = 78;
  PatternOpener source(size, seed, /*flip=*/size - 3);  // in the last chunk
  const Descriptor blob = PatternDescriptor(size, seed);
  Status put = dest.PutBlobFrom(source.opener(), blob);
  REQUIRE_FALSE(put.ok());
  CHECK(put.error().code() == ErrorCode::kDigestMismatch);
  auto http = std::make_shared<ProxyStack>(registry->host(), ProxyStackOptions{});
  auto head = OpenAt(registry->url(), http, "stream/corrupt").HeadBlob(blob.digest);
  REQUIRE(head.ok());
  CHECK_FALSE(head->has_value());
}
