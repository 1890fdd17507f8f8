// Every registry variant (plain, TLS, basic auth with and without TLS, token auth with and
// without TLS): blobs of 0 B, 1 B and 5 MiB upload monolithic and chunked with several chunk
// sizes, and download byte-exact.

#include <catch2/catch.hpp>

#include "integration/registry_fault_support.h"
#include "registry/auth/scope.h"
#include "support/token_issuer.h"

using namespace hoist;
using namespace hoist::registry;
using namespace hoist::testing;

namespace {

constexpr uint64_t kMiB = 1 << 20;
constexpr const char* kRepo = "variants/app";
constexpr const char* kUser = "alice";
constexpr const char* kPassword = "correct horse battery staple";

bool IsToken(RegistryVariant v) {
  return v == RegistryVariant::kToken || v == RegistryVariant::kTlsToken;
}

void RunMatrix(RegistryVariant variant) {
  std::unique_ptr<TokenIssuer> issuer;
  RegistryStartOptions start;
  if (IsToken(variant)) {
    issuer = std::make_unique<TokenIssuer>();
    issuer->AddUser(kUser, kPassword);
    issuer->Allow(kUser, "*", {"pull", "push"});
    start = issuer->registry_options();
  }
  auto registry = Registry::Start(variant, start);
  if (!registry) {
    WARN("SKIPPED: " << Registry::MissingMessage());
    return;
  }
  ProxyStackOptions options;
  options.ca_file = registry->ca_file();
  options.insecure = registry->ca_file().empty();
  if (!registry->user().empty()) {
    options.credential = Credential{registry->user(), registry->password(), ""};
  }
  if (issuer) {
    options.credential = Credential{kUser, kPassword, ""};
    options.scopes = PushScopes(kRepo);
    // The test issuer speaks plain http: credentials go to such a realm only for a registry the
    // user named insecure (registry_redirect_test.cc checks the refusal).
    options.insecure = true;
  }
  auto http = std::make_shared<ProxyStack>(registry->host(), options);
  Repository repo = OpenAt(registry->url(), http, kRepo);

  uint64_t seed = 0;
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, 5 * kMiB}) {
    PatternBlob content(size, ++seed);
    Status s = repo.PutBlob(content, PatternBlob::DigestOf(size, seed), static_cast<int64_t>(size));
    INFO(VariantName(variant) << ": monolithic " << size << " bytes: " << Describe(s));
    REQUIRE(s.ok());
    ExpectPatternBlob(repo, size, seed);
  }
  for (uint64_t chunk : {kMiB, kMiB + kMiB / 2 + 1, 8 * kMiB}) {
    for (uint64_t size : {uint64_t{0}, uint64_t{1}, 5 * kMiB}) {
      PatternBlob content(size, ++seed);
      Status s = repo.PutBlobChunked(content, PatternBlob::DigestOf(size, seed), size,
                                     {.chunk_size = chunk});
      INFO(VariantName(variant) << ": chunks of " << chunk << ", " << size << " bytes: " << Describe(s));
      REQUIRE(s.ok());
      ExpectPatternBlob(repo, size, seed);
    }
  }
  if (issuer) CHECK(issuer->token_requests() >= 1);  // the token flow really ran
}

}  // namespace

TEST_CASE("variant plain: 0 B, 1 B and 5 MiB blobs round trip monolithic and chunked") {
  RunMatrix(RegistryVariant::kPlain);
}
TEST_CASE("variant tls: 0 B, 1 B and 5 MiB blobs round trip monolithic and chunked") {
  RunMatrix(RegistryVariant::kTls);
}
TEST_CASE("variant htpasswd: 0 B, 1 B and 5 MiB blobs round trip monolithic and chunked") {
  RunMatrix(RegistryVariant::kHtpasswd);
}
TEST_CASE("variant tls-htpasswd: 0 B, 1 B and 5 MiB blobs round trip monolithic and chunked") {
  RunMatrix(RegistryVariant::kTlsHtpasswd);
}
TEST_CASE("variant token: 0 B, 1 B and 5 MiB blobs round trip monolithic and chunked") {
  RunMatrix(RegistryVariant::kToken);
}
TEST_CASE("variant tls-token: 0 B, 1 B and 5 MiB blobs round trip monolithic and chunked") {
  RunMatrix(RegistryVariant::kTlsToken);
}
