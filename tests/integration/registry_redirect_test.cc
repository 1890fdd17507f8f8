// Where credentials may go. A blob GET redirected (307, by the fault proxy) to another host, as
// registries redirect to blob storage, reaches that host without an Authorization header, with
// basic and with token auth; a token realm over plain http gets no credentials unless the
// registry was named insecure.

#include <catch2/catch.hpp>

#include "integration/registry_fault_support.h"
#include "registry/auth/scope.h"
#include "support/tiny_http_server.h"
#include "support/token_issuer.h"

using namespace hoist;
using namespace hoist::registry;
using namespace hoist::testing;

namespace {

constexpr const char* kRepo = "redirect/app";
constexpr const char* kUser = "alice";
constexpr const char* kPassword = "correct horse battery staple";
constexpr uint64_t kSize = 1 << 20;

std::unique_ptr<TokenIssuer> MakeIssuer() {
  auto issuer = std::make_unique<TokenIssuer>();
  issuer->AddUser(kUser, kPassword);
  issuer->Allow("", "*", {"pull"});
  issuer->Allow(kUser, "*", {"pull", "push"});
  return issuer;
}

// "Blob storage": records what it receives and serves the blob by fetching it from the registry
// with its own credentials (as storage would hold it under a signed URL).
class BlobStorage {
 public:
  BlobStorage(const Registry& registry, const ProxyStackOptions& credentials)
      : registry_url_(registry.url()),
        http_(std::make_shared<ProxyStack>(registry.host(), credentials)),
        server_([this](const HttpExchange& ex) { return Serve(ex); }) {}

  std::string base() const { return "http://localhost:" + std::to_string(server_.port()); }
  std::vector<HttpExchange> requests() const { return server_.requests(); }

 private:
  TinyResponse Serve(const HttpExchange& ex) {
    Request req;
    req.method = ex.method;
    req.url = registry_url_ + ex.target;
    req.max_buffered_body = 2 * kSize;
    Result<Response> r = http_->Do(req);
    TinyResponse out;
    if (!r.ok()) {
      out.status = 502;
      out.body = r.error().ToString();
      return out;
    }
    out.status = r->status;
    out.headers = {{"Content-Type", "application/octet-stream"}};
    out.body = r->body;
    return out;
  }

  std::string registry_url_;
  std::shared_ptr<ProxyStack> http_;
  TinyHttpServer server_;
};

// Pushes through the proxy, then reads the blob back through a redirect to storage.
void CheckRedirectDropsAuthorization(const Registry& registry, const ProxyStackOptions& credentials) {
  FaultProxy proxy(registry.host());
  BlobStorage storage(registry, credentials);
  auto http = std::make_shared<ProxyStack>(proxy.host(), credentials);
  Repository repo = OpenAt(proxy.url(), http, kRepo);
  PatternBlob content(kSize, 7);
  Status pushed = repo.PutBlob(content, PatternBlob::DigestOf(kSize, 7), kSize);
  INFO(Describe(pushed));
  REQUIRE(pushed.ok());

  proxy.AddRule({.method = "GET", .kind = PathKind::kBlob, .fault = Fault::Redirect(storage.base())});
  ExpectPatternBlob(repo, kSize, 7);

  // The registry's host got the credentials; storage got the request without them.
  bool authorized_get = false;
  for (const auto& ex : proxy.exchanges()) {
    if (ex.method == "GET" && ex.fault == "redirect") authorized_get |= ex.had_authorization;
  }
  CHECK(authorized_get);
  auto seen = storage.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");
  CHECK_FALSE(seen[0].Header("Authorization").has_value());
}

}  // namespace

TEST_CASE("basic auth: a blob GET redirected to another host arrives there without Authorization") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  ProxyStackOptions credentials;
  credentials.credential = Credential{registry->user(), registry->password(), ""};
  CheckRedirectDropsAuthorization(*registry, credentials);
}

TEST_CASE("token auth: a blob GET redirected to another host arrives there without Authorization") {
  auto issuer = MakeIssuer();
  auto registry = Registry::Start(RegistryVariant::kToken, issuer->registry_options());
  if (!registry) {
    WARN("SKIPPED: " << Registry::MissingMessage());
    return;
  }
  ProxyStackOptions credentials;
  credentials.credential = Credential{kUser, kPassword, ""};
  credentials.scopes = PushScopes(kRepo);
  CheckRedirectDropsAuthorization(*registry, credentials);
}

TEST_CASE("a token realm over plain http gets no credentials unless the registry was named insecure") {
  auto issuer = MakeIssuer();
  auto registry = Registry::Start(RegistryVariant::kTlsToken, issuer->registry_options());
  if (!registry) {
    WARN("SKIPPED: " << Registry::MissingMessage());
    return;
  }
  REQUIRE(issuer->realm().rfind("http://", 0) == 0);
  ProxyStackOptions options;
  options.ca_file = registry->ca_file();
  options.credential = Credential{kUser, kPassword, ""};
  options.scopes = PushScopes(kRepo);

  SECTION("not named insecure: the realm is asked anonymously and the push is refused") {
    options.insecure = false;
    Repository repo = OpenAt(registry->url(), std::make_shared<ProxyStack>(registry->host(), options), kRepo);
    PatternBlob content(1000, 1);
    Status s = repo.PutBlob(content, PatternBlob::DigestOf(1000, 1), 1000);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == ErrorCode::kUnauthorized);
    auto requests = issuer->requests();
    REQUIRE_FALSE(requests.empty());
    for (const auto& ex : requests) {
      CHECK_FALSE(ex.Header("Authorization").has_value());
      CHECK(ex.target.find("account=") == std::string::npos);
    }
  }
  SECTION("named insecure: the credentials go to the realm and the push succeeds") {
    options.insecure = true;
    Repository repo = OpenAt(registry->url(), std::make_shared<ProxyStack>(registry->host(), options), kRepo);
    PatternBlob content(1000, 1);
    Status s = repo.PutBlob(content, PatternBlob::DigestOf(1000, 1), 1000);
    INFO(Describe(s));
    REQUIRE(s.ok());
    auto requests = issuer->requests();
    REQUIRE_FALSE(requests.empty());
    CHECK(requests.back().Header("Authorization").value_or("").rfind("Basic ", 0) == 0);
  }
}
