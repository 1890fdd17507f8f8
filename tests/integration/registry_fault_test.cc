// Faults the real registry cannot produce, injected by the fault proxy in front of it: 429 with
// Retry-After, bursts of 500/503, connection resets and stalls are retried or resumed; 400, 403
// and 404 are reported at once, with the registry's message and without a retry.

#include <chrono>
#include <ctime>

#include <catch2/catch.hpp>

#include "core/media_types.h"
#include "integration/registry_fault_support.h"

using namespace hoist;
using namespace hoist::registry;
using namespace hoist::testing;

namespace {

constexpr uint64_t kKiB = 1024;

// An IMF-fixdate `seconds` from now, as a Retry-After date.
std::string HttpDateIn(int seconds) {
  std::time_t t = std::time(nullptr) + seconds;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

TEST_CASE("with 429+Retry-After, 5xx bursts and resets injected, 100 blobs upload and download correct") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  auto http = std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{});
  Repository repo = OpenAt(proxy.url(), http, "faults/many");

  using K = PathKind;
  proxy.AddRule({.method = "POST", .kind = K::kUpload, .skip = 3, .every = 40, .times = 2,
                 .fault = Fault::Status(429, "1")});
  proxy.AddRule({.method = "POST", .kind = K::kUpload, .skip = 50, .times = 1,
                 .fault = Fault::Status(429, HttpDateIn(1))});
  proxy.AddRule({.method = "PATCH", .kind = K::kUpload, .skip = 2, .every = 23, .burst = 3,
                 .fault = Fault::Status(503)});
  proxy.AddRule({.method = "PUT", .kind = K::kUpload, .skip = 1, .every = 17, .burst = 2,
                 .fault = Fault::Status(500)});
  proxy.AddRule({.method = "HEAD", .kind = K::kBlob, .skip = 4, .every = 11,
                 .fault = Fault::ResetRequestBody(0)});
  proxy.AddRule({.method = "PATCH", .kind = K::kUpload, .skip = 9, .every = 19,
                 .fault = Fault::ResetRequestBody(0)});
  proxy.AddRule({.method = "GET", .kind = K::kBlob, .skip = 1, .every = 5,
                 .fault = Fault::ResetResponseBody(24 * kKiB)});

  for (uint64_t i = 0; i < 100; ++i) {
    const uint64_t size = 1 + (i * 7919 * kKiB / 13) % (400 * kKiB), seed = 1000 + i;
    const Digest digest = PatternBlob::DigestOf(size, seed);
    INFO("blob " << i << " of " << size << " bytes");
    // What a push does first: is the blob there already?
    Result<std::optional<BlobInfo>> head = repo.HeadBlob(digest);
    INFO(Describe(head));
    REQUIRE(head.ok());
    REQUIRE_FALSE(head->has_value());
    PatternBlob content(size, seed);
    Status pushed = repo.PutBlobChunked(content, digest, size, {.chunk_size = 64 * kKiB});
    INFO(Describe(pushed));
    REQUIRE(pushed.ok());
    ExpectPatternBlob(repo, size, seed);
  }
  // Every kind of fault really happened.
  CHECK(FaultsLike(proxy, "status 429") == 3);
  CHECK(FaultsLike(proxy, "status 503") >= 6);
  CHECK(FaultsLike(proxy, "status 500") >= 4);
  CHECK(FaultsLike(proxy, "reset request after 0") >= 10);
  CHECK(FaultsLike(proxy, "reset response after") >= 10);
  // Retries reached the wire (curl itself also resends on a reused connection that died first).
  CHECK(static_cast<uint64_t>(http->calls()) > 100 * 4);
}

TEST_CASE("a 400 from the registry is reported at once with its message, without a retry") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  Repository repo = OpenAt(proxy.url(), std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{}),
                           "faults/bad-request");
  PatternBlob content(1000, 7);
  Status s = repo.PutBlob(content, Digest::Of("something else"), 1000);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kDigestMismatch);
  CHECK_THAT(s.error().ToString(), Catch::Contains("provided digest did not match uploaded content"));
  CHECK(proxy.counts("PUT", PathKind::kUpload).requests == 1);
}

TEST_CASE("a 404 from the registry is reported at once with its message, without a retry") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  Repository repo = OpenAt(proxy.url(), std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{}),
                           "faults/not-found");
  Result<FetchedManifest> m = repo.GetManifest("no-such-tag");
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code() == ErrorCode::kNotFound);
  CHECK_THAT(m.error().ToString(), Catch::Contains("manifest unknown"));
  CHECK(proxy.counts("GET", PathKind::kManifest).requests == 1);

  StringBlobSink sink;
  Status blob = repo.GetBlob(Digest::Of("never pushed"), sink);
  REQUIRE_FALSE(blob.ok());
  CHECK(blob.error().code() == ErrorCode::kNotFound);
  CHECK_THAT(blob.error().ToString(), Catch::Contains("blob unknown to registry"));
  CHECK(proxy.counts("GET", PathKind::kBlob).requests == 1);
}

TEST_CASE("a 403 is reported at once with the registry's message, without a retry") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  Fault denied = Fault::Status(403);
  denied.error_code = "DENIED";
  denied.message = "requested access to the resource is denied";
  proxy.AddRule({.method = "POST", .kind = PathKind::kUpload, .fault = denied});
  Repository repo = OpenAt(proxy.url(), std::make_shared<ProxyStack>(proxy.host(), ProxyStackOptions{}),
                           "faults/denied");
  PatternBlob content(1000, 8);
  Status s = repo.PutBlob(content, PatternBlob::DigestOf(1000, 8), 1000);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code() == ErrorCode::kDenied);
  CHECK_THAT(s.error().ToString(), Catch::Contains("requested access to the resource is denied"));
  CHECK(proxy.counts("POST", PathKind::kUpload).requests == 1);
  CHECK(proxy.total().requests == 1);
}

TEST_CASE("a 503 burst longer than the retry budget fails with the last answer after max tries") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  proxy.AddRule({.method = "GET", .kind = PathKind::kManifest, .fault = Fault::Status(503)});
  ProxyStackOptions options;
  options.max_tries = 3;
  Repository repo = OpenAt(proxy.url(), std::make_shared<ProxyStack>(proxy.host(), options),
                           "faults/unavailable");
  Result<FetchedManifest> m = repo.GetManifest("latest");
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().retryable());
  CHECK_THAT(m.error().ToString(), Catch::Contains("503"));
  CHECK(proxy.counts("GET", PathKind::kManifest).requests == 3);
}

TEST_CASE("a download that stalls mid-body is detected and continued by Range") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  FaultProxy proxy(registry->host());
  ProxyStackOptions options;
  options.low_speed_time = std::chrono::seconds(1);
  auto http = std::make_shared<ProxyStack>(proxy.host(), options);
  Repository repo = OpenAt(proxy.url(), http, "faults/stall");
  const uint64_t size = 3 * kKiB * kKiB, seed = 9;
  PatternBlob content(size, seed);
  REQUIRE(repo.PutBlob(content, PatternBlob::DigestOf(size, seed), static_cast<int64_t>(size)).ok());

  proxy.AddRule({.method = "GET", .kind = PathKind::kBlob, .times = 1,
                 .fault = Fault::Stall(kKiB * kKiB)});
  ExpectPatternBlob(repo, size, seed);
  CHECK(FaultsLike(proxy, "stall") == 1);
  CHECK(proxy.counts("GET", PathKind::kBlob).requests == 2);
  CHECK(proxy.counts("GET", PathKind::kBlob).response_body_bytes == size);  // nothing twice
}
