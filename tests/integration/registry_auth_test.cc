// AuthTransport against the real registry: token auth with the test TokenIssuer, and htpasswd
// Basic auth. Blobs are pushed with a monolithic upload (POST, then PUT with ?digest=).

#include <chrono>
#include "core/base64.h"
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "core/digest.h"
#include "core/io.h"
#include "registry/auth/auth_text.h"
#include "registry/auth/auth_transport.h"
#include "registry/auth/scope.h"
#include "registry/http/curl_client.h"
#include "registry/http/url.h"
#include "support/registry_fixture.h"
#include "support/token_issuer.h"

using hoist::Digest;
using hoist::ErrorCode;
using hoist::Result;
using hoist::StringReader;
using hoist::registry::AuthConfig;
using hoist::registry::AuthTransport;
using hoist::registry::Credential;
using hoist::registry::CurlClient;
using hoist::registry::HttpClient;
using hoist::registry::PushScopes;
using hoist::registry::Request;
using hoist::registry::Response;
using hoist::registry::RepositoryScope;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::TokenIssuer;

namespace {

constexpr const char* kRepo = "team/app";
constexpr const char* kUser = "alice";
constexpr const char* kPassword = "correct horse battery staple";

std::shared_ptr<HttpClient> Curl() {
  static std::shared_ptr<HttpClient> client = std::make_shared<CurlClient>();
  return client;
}

std::unique_ptr<AuthTransport> Transport(const Registry& r, std::optional<Credential> cred,
                                         std::vector<std::string> scopes) {
  AuthConfig config;
  config.registry = r.host();
  config.insecure = true;  // the test registries speak plain http
  config.scopes = std::move(scopes);
  config.credential = std::move(cred);
  return std::make_unique<AuthTransport>(Curl(), std::move(config));
}

// POST an upload, then PUT the content with its digest; the final status, or the error.
Result<int> PushBlob(HttpClient& http, const Registry& r, const std::string& content) {
  Request start;
  start.method = "POST";
  start.url = r.url() + "/v2/" + kRepo + "/blobs/uploads/";
  HOIST_TRY_ASSIGN(Response started, http.Do(start));
  if (started.status != 202) return started.status;
  auto location = started.Header("Location");
  REQUIRE(location.has_value());
  HOIST_TRY_ASSIGN(std::string url, hoist::registry::ResolveUrl(start.url, *location));
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += "digest=" + Digest::Of(content).str();
  std::optional<StringReader> body(std::in_place, content);
  Request put;
  put.method = "PUT";
  put.url = url;
  put.SetHeader("Content-Type", "application/octet-stream");
  put.body = &*body;
  put.body_size = static_cast<int64_t>(content.size());
  put.rewind = [&] {
    body.emplace(content);
    return hoist::Ok();
  };
  HOIST_TRY_ASSIGN(Response done, http.Do(put));
  return done.status;
}

Result<Response> GetBlob(HttpClient& http, const Registry& r, const std::string& content) {
  Request get;
  get.url = r.url() + "/v2/" + kRepo + "/blobs/" + Digest::Of(content).str();
  return http.Do(get);
}

// The issuer with alice and a policy: anonymous pull, alice pulls and pushes.
std::unique_ptr<TokenIssuer> MakeIssuer() {
  auto issuer = std::make_unique<TokenIssuer>();
  issuer->AddUser(kUser, kPassword);
  issuer->Allow("", "*", {"pull"});
  issuer->Allow(kUser, "*", {"pull", "push"});
  return issuer;
}

}  // namespace

// Declares `issuer` and `registry` (token variant), or skips when docker-registry is missing.
#define HOIST_REQUIRE_TOKEN_REGISTRY()                                                   \
  auto issuer = MakeIssuer();                                                            \
  auto registry = Registry::Start(RegistryVariant::kToken, issuer->registry_options()); \
  if (!registry) {                                                                       \
    WARN("SKIPPED: " << Registry::MissingMessage());                                     \
    return;                                                                              \
  }

TEST_CASE("token auth: a login pushes, an anonymous client pulls what was pushed") {
  HOIST_REQUIRE_TOKEN_REGISTRY();
  auto alice = Transport(*registry, Credential{kUser, kPassword, ""}, PushScopes(kRepo));
  auto pushed = PushBlob(*alice, *registry, "layer bytes");
  REQUIRE(pushed.ok());
  CHECK(*pushed == 201);
  CHECK(issuer->last_claims().find(R"("actions":["pull","push"])") != std::string::npos);

  auto anon = Transport(*registry, std::nullopt, {RepositoryScope(kRepo, {"pull"})});
  auto got = GetBlob(*anon, *registry, "layer bytes");
  REQUIRE(got.ok());
  CHECK(got->status == 200);
  CHECK(got->body == "layer bytes");
}

TEST_CASE("token auth: an anonymous push is refused with authentication required") {
  HOIST_REQUIRE_TOKEN_REGISTRY();
  auto anon = Transport(*registry, std::nullopt, PushScopes(kRepo));
  auto pushed = PushBlob(*anon, *registry, "not allowed");
  REQUIRE_FALSE(pushed.ok());
  CHECK(pushed.error().code() == ErrorCode::kUnauthorized);
  std::string msg = pushed.error().ToString();
  CHECK(msg.find("registry " + registry->host() + " requires authentication") != std::string::npos);
  CHECK(msg.find("hoist login") != std::string::npos);
  // The anonymous token carried pull only: the issuer granted what the policy allows.
  CHECK(issuer->last_claims().find(R"("actions":["pull"])") != std::string::npos);
}

TEST_CASE("token auth: a wrong password is kUnauthorized naming the user and the registry") {
  HOIST_REQUIRE_TOKEN_REGISTRY();
  auto mallory = Transport(*registry, Credential{kUser, "wrong password", ""}, PushScopes(kRepo));
  auto pushed = PushBlob(*mallory, *registry, "x");
  REQUIRE_FALSE(pushed.ok());
  CHECK(pushed.error().code() == ErrorCode::kUnauthorized);
  std::string msg = pushed.error().ToString();
  CHECK(msg.find("rejected user \"alice\" for registry " + registry->host()) != std::string::npos);
  CHECK(msg.find("wrong password") == std::string::npos);
  CHECK(issuer->token_requests() == 0);
}

TEST_CASE("token auth: a token that expires between requests is replaced") {
  HOIST_REQUIRE_TOKEN_REGISTRY();
  issuer->SetLifetime(std::chrono::seconds(2));
  auto alice = Transport(*registry, Credential{kUser, kPassword, ""}, PushScopes(kRepo));
  auto pushed = PushBlob(*alice, *registry, "short-lived");
  REQUIRE(pushed.ok());
  REQUIRE(*pushed == 201);
  size_t before = issuer->token_requests();
  CHECK(before == 1);

  std::this_thread::sleep_for(std::chrono::milliseconds(3500));  // the registry now refuses it
  auto got = GetBlob(*alice, *registry, "short-lived");
  REQUIRE(got.ok());
  CHECK(got->status == 200);
  CHECK(issuer->token_requests() == before + 1);
}

TEST_CASE("token auth: an identity token is exchanged through the OAuth POST") {
  HOIST_REQUIRE_TOKEN_REGISTRY();
  issuer->AddRefreshToken("identity-token-42", kUser);
  auto alice = Transport(*registry, Credential{"<token>", "", "identity-token-42"},
                         PushScopes(kRepo));
  auto pushed = PushBlob(*alice, *registry, "via oauth");
  REQUIRE(pushed.ok());
  CHECK(*pushed == 201);
  auto requests = issuer->requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].target == "/token");
  CHECK(requests[0].body.find("refresh_token=identity-token-42") != std::string::npos);
}

TEST_CASE("token auth: the password reaches the issuer only in its Basic header, tokens no URL") {
  HOIST_REQUIRE_TOKEN_REGISTRY();
  issuer->SetLifetime(std::chrono::seconds(2));
  auto alice = Transport(*registry, Credential{kUser, kPassword, ""}, PushScopes(kRepo));
  REQUIRE(PushBlob(*alice, *registry, "secret handling").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  REQUIRE(GetBlob(*alice, *registry, "secret handling").ok());

  std::string basic = "Basic " + hoist::EncodeBase64(std::string(kUser) + ":" + kPassword);
  auto requests = issuer->requests();
  REQUIRE(requests.size() == 2);
  for (const auto& ex : requests) {
    CHECK(ex.target.find("correct") == std::string::npos);
    CHECK(ex.target.find("account=alice") != std::string::npos);
    CHECK(ex.body.find("correct") == std::string::npos);
    CHECK(ex.Header("Authorization").value_or("") == basic);
  }
  // The registry logs every request URI: no token may be among them.
  auto tokens = issuer->issued_tokens();
  REQUIRE(tokens.size() == 2);
  std::string log = registry->Log();
  for (const std::string& t : tokens) {
    std::string signature = t.substr(t.rfind('.') + 1);
    CHECK(log.find(signature) == std::string::npos);
    for (const auto& ex : requests) CHECK(ex.target.find(signature) == std::string::npos);
  }
}

TEST_CASE("htpasswd: a login pushes and pulls, without one, authentication is required") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  auto user = Transport(*registry, Credential{registry->user(), registry->password(), ""},
                        PushScopes(kRepo));
  auto pushed = PushBlob(*user, *registry, "basic layer");
  REQUIRE(pushed.ok());
  CHECK(*pushed == 201);
  auto got = GetBlob(*user, *registry, "basic layer");
  REQUIRE(got.ok());
  CHECK(got->body == "basic layer");

  auto anon = Transport(*registry, std::nullopt, {});
  auto refused = GetBlob(*anon, *registry, "basic layer");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kUnauthorized);
  CHECK(refused.error().message().find("registry " + registry->host() +
                                       " requires authentication") != std::string::npos);
}

TEST_CASE("htpasswd: a wrong password is kUnauthorized with the registry's message") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  auto wrong = Transport(*registry, Credential{registry->user(), "not-the-password", ""},
                         PushScopes(kRepo));
  auto pushed = PushBlob(*wrong, *registry, "x");
  REQUIRE_FALSE(pushed.ok());
  CHECK(pushed.error().code() == ErrorCode::kUnauthorized);
  std::string msg = pushed.error().ToString();
  CHECK(msg.find("rejected the credentials of user \"" + registry->user() + "\"") !=
        std::string::npos);
  CHECK(msg.find("authentication required") != std::string::npos);  // the registry's own words
  CHECK(msg.find("not-the-password") == std::string::npos);
}
