#include "registry/auth/auth_transport.h"
#include "core/base64.h"

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/io.h"
#include "registry/auth/auth_text.h"

using hoist::ErrorCode;
using hoist::Result;
using hoist::StringReader;
using hoist::registry::AuthConfig;
using hoist::registry::AuthTransport;
using hoist::EncodeBase64;
using hoist::registry::Credential;
using hoist::registry::HttpClient;
using hoist::registry::Request;
using hoist::registry::Response;
using hoist::registry::TokenCache;
using namespace std::chrono_literals;

namespace {

constexpr const char* kRegistry = "https://reg.example";
constexpr const char* kRealm = "https://auth.example/token";
constexpr const char* kUnauthorizedBody =
    R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]})";

struct Seen {
  std::string method, url, authorization, body;
};

// An HttpClient answering from a function, recording every request it gets.
class FakeHttp : public HttpClient {
 public:
  using Handler = std::function<Response(const Seen&)>;
  explicit FakeHttp(Handler handler) : handler_(std::move(handler)) {}

  Result<Response> Do(Request& req) override {
    Seen s{req.method, req.url, req.Header("Authorization").value_or(""), ""};
    if (req.body != nullptr) {
      auto body = hoist::ReadAll(*req.body, 1 << 20);
      if (!body.ok()) return std::move(body).error();
      s.body = *body;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(s);
    }
    Response resp = handler_(s);
    resp.method = req.method;
    resp.effective_url = req.url;
    return resp;
  }

  std::vector<Seen> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  size_t Count(const std::string& url_prefix) const {
    size_t n = 0;
    for (const Seen& s : seen()) n += s.url.rfind(url_prefix, 0) == 0;
    return n;
  }

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
};

Response Make(int status, std::vector<std::pair<std::string, std::string>> headers = {},
              std::string body = "") {
  Response r;
  r.status = status;
  for (auto& [k, v] : headers) r.headers.Add(k, v);
  r.body = std::move(body);
  return r;
}

Response Unauthorized(const std::string& challenge) {
  return Make(401, {{"WWW-Authenticate", challenge}, {"Content-Type", "application/json"}},
              kUnauthorizedBody);
}

std::string BearerChallengeFor(const std::string& realm, const std::string& scope,
                               const std::string& error = "") {
  std::string c = "Bearer realm=\"" + realm + "\",service=\"reg\",scope=\"" + scope + "\"";
  if (!error.empty()) c += ",error=\"" + error + "\"";
  return c;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// A token service and a registry that accepts exactly the tokens the service issued last.
struct TokenWorld {
  std::string realm = kRealm;
  std::string scope = "repository:a/b:pull";
  int issued = 0;
  std::string valid;  // the one token the registry accepts
  std::string token_body_override;

  Response Handle(const Seen& s) {
    if (StartsWith(s.url, realm)) {
      if (!token_body_override.empty()) return Make(200, {}, token_body_override);
      valid = "tok" + std::to_string(++issued);
      return Make(200, {{"Content-Type", "application/json"}},
                  R"({"token":")" + valid + R"(","expires_in":300})");
    }
    if (!valid.empty() && s.authorization == "Bearer " + valid) return Make(200, {}, "ok");
    return Unauthorized(BearerChallengeFor(realm, scope));
  }
};

AuthConfig Config(std::optional<Credential> cred = std::nullopt) {
  AuthConfig c;
  c.registry = "reg.example";
  c.scopes = {"repository:a/b:pull,push"};
  c.credential = std::move(cred);
  return c;
}

Request Get(const std::string& path = "/v2/a/b/manifests/latest") {
  Request r;
  r.url = std::string(kRegistry) + path;
  return r;
}

}  // namespace

TEST_CASE("a Bearer challenge is answered with a token from the realm and the request sent again") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config());
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE(resp.ok());
  CHECK(resp->status == 200);
  auto seen = http->seen();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].authorization.empty());
  CHECK(seen[1].url == std::string(kRealm) +
                           "?service=reg&scope=repository%3Aa%2Fb%3Apull%2Cpush");
  CHECK(seen[1].authorization.empty());  // anonymous: no credential configured
  CHECK(seen[2].authorization == "Bearer tok1");

  // The token is cached and sent up front on the next request.
  Request again = Get("/v2/a/b/blobs/sha256:00");
  REQUIRE(auth.Do(again).ok());
  CHECK(http->seen().size() == 4);
  CHECK(http->seen()[3].authorization == "Bearer tok1");
}

TEST_CASE("the challenge's scope is merged into ours and AddScope asks for one more") {
  TokenWorld world;
  world.scope = "repository:a/b:pull registry:catalog:*";
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config());
  auth.AddScope("repository:c/d:pull");
  Request req = Get("/v2/_catalog");
  REQUIRE(auth.Do(req).ok());
  CHECK(auth.scopes() == std::vector<std::string>{"repository:a/b:pull,push",
                                                  "repository:c/d:pull", "registry:catalog:*"});
  CHECK(http->seen()[1].url ==
        std::string(kRealm) + "?service=reg&scope=repository%3Aa%2Fb%3Apull%2Cpush"
                              "&scope=repository%3Ac%2Fd%3Apull&scope=registry%3Acatalog%3A%2A");
}

TEST_CASE("a Bearer challenge is preferred when the registry also offers Basic") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) {
    Response r = world.Handle(s);
    if (r.status == 401) r.headers.Add("WWW-Authenticate", "Basic realm=\"reg\"");
    return r;
  });
  AuthTransport auth(http, Config(Credential{"alice", "s3cret", ""}));
  Request req = Get();
  REQUIRE(auth.Do(req).ok());
  CHECK(world.issued == 1);
  CHECK(http->seen().back().authorization == "Bearer tok1");
}

TEST_CASE("with a login the realm gets Basic credentials and the account, never in the URL") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config(Credential{"alice", "s3cret", ""}));
  Request req = Get();
  REQUIRE(auth.Do(req).ok());
  auto seen = http->seen();
  REQUIRE(seen.size() == 3);
  CHECK(seen[1].method == "GET");
  CHECK(seen[1].authorization == "Basic " + EncodeBase64("alice:s3cret"));
  CHECK(seen[1].url.find("account=alice") != std::string::npos);
  for (const Seen& s : seen) CHECK(s.url.find("s3cret") == std::string::npos);
  CHECK(seen[2].authorization == "Bearer tok1");
}

TEST_CASE("an identity token is exchanged with a POST of grant_type=refresh_token") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config(Credential{"<token>", "", "idtok-XYZ"}));
  Request req = Get();
  REQUIRE(auth.Do(req).ok());
  auto seen = http->seen();
  REQUIRE(seen.size() == 3);
  CHECK(seen[1].method == "POST");
  CHECK(seen[1].url == kRealm);
  CHECK(seen[1].authorization.empty());
  CHECK(seen[1].body ==
        "grant_type=refresh_token&refresh_token=idtok-XYZ&service=reg"
        "&scope=repository%3Aa%2Fb%3Apull%2Cpush&client_id=hoist");
}

TEST_CASE("access_token is accepted and a missing expires_in means 60 seconds") {
  TokenWorld world;
  world.token_body_override = R"({"access_token":"oauth1"})";
  world.valid = "oauth1";
  auto now = std::chrono::steady_clock::time_point{};
  TokenCache cache(TokenCache::Options{[&] { return now; }, 10s});
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthConfig config = Config();
  config.token_cache = &cache;
  AuthTransport auth(http, config);
  Request req = Get();
  REQUIRE(auth.Do(req).ok());
  CHECK(http->seen().back().authorization == "Bearer oauth1");
  now += 49s;  // 11 s left: still used
  Request second = Get();
  REQUIRE(auth.Do(second).ok());
  CHECK(http->Count(kRealm) == 1);
  now += 2s;  // 9 s left: inside the margin, fetched anew
  Request third = Get();
  REQUIRE(auth.Do(third).ok());
  CHECK(http->Count(kRealm) == 2);
}

TEST_CASE("a token about to expire is refreshed before the request is sent") {
  TokenWorld world;
  auto now = std::chrono::steady_clock::time_point{};
  TokenCache cache(TokenCache::Options{[&] { return now; }, 10s});
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthConfig config = Config();
  config.token_cache = &cache;
  AuthTransport auth(http, config);
  Request first = Get();
  REQUIRE(auth.Do(first).ok());
  REQUIRE(http->seen().size() == 3);

  now += 295s;  // 5 s left of 300, under the 10 s margin
  Request second = Get();
  auto resp = auth.Do(second);
  REQUIRE(resp.ok());
  CHECK(resp->status == 200);
  auto seen = http->seen();
  REQUIRE(seen.size() == 5);  // token fetch, then the request with the new token: no 401
  CHECK(StartsWith(seen[3].url, kRealm));
  CHECK(seen[4].authorization == "Bearer tok2");
}

TEST_CASE("a 401 with a cached token drops it and fetches a new one, once") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config());
  Request first = Get();
  REQUIRE(auth.Do(first).ok());
  world.valid = "revoked-on-the-server";  // the registry no longer takes tok1

  // The fresh token the service issues next is accepted again.
  Request second = Get();
  auto resp = auth.Do(second);
  REQUIRE(resp.ok());
  CHECK(resp->status == 200);
  auto seen = http->seen();
  REQUIRE(seen.size() == 6);
  CHECK(seen[3].authorization == "Bearer tok1");
  CHECK(StartsWith(seen[4].url, kRealm));
  CHECK(seen[5].authorization == "Bearer tok2");
}

TEST_CASE("a second 401 after a fresh token is kUnauthorized with the registry's message") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) {
    if (StartsWith(s.url, kRealm)) return world.Handle(s);
    return Unauthorized(BearerChallengeFor(kRealm, "repository:a/b:pull"));
  });
  AuthTransport auth(http, Config());
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kUnauthorized);
  std::string msg = resp.error().ToString();
  CHECK(msg.find("registry reg.example requires authentication") != std::string::npos);
  CHECK(msg.find("hoist login reg.example") != std::string::npos);
  CHECK(msg.find("authentication required") != std::string::npos);  // the registry's words
  CHECK(msg.find("tok1") == std::string::npos);
  REQUIRE(resp.error().registry().has_value());
  CHECK(resp.error().registry()->http_status == 401);
  CHECK(http->seen().size() == 3);  // no endless loop: one token, one retry
}

TEST_CASE("a login whose token lacks the scope is kDenied, naming the user") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) {
    if (StartsWith(s.url, kRealm)) return world.Handle(s);
    return Unauthorized(BearerChallengeFor(kRealm, "repository:a/b:pull,push",
                                           s.authorization.empty() ? "" : "insufficient_scope"));
  });
  AuthTransport auth(http, Config(Credential{"alice", "s3cret", ""}));
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kDenied);
  CHECK(resp.error().message().find("user \"alice\" is not granted repository:a/b:pull,push") !=
        std::string::npos);
  CHECK(resp.error().message().find("s3cret") == std::string::npos);
}

TEST_CASE("a Basic challenge is answered with the login, which is then sent up front") {
  std::string good = "Basic " + EncodeBase64("alice:s3cret");
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) {
    if (s.authorization == good) return Make(200);
    return Unauthorized("Basic realm=\"Registry Realm\"");
  });
  AuthTransport auth(http, Config(Credential{"alice", "s3cret", ""}));
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE(resp.ok());
  CHECK(resp->status == 200);
  REQUIRE(http->seen().size() == 2);
  CHECK(http->seen()[1].authorization == good);
  Request again = Get();
  REQUIRE(auth.Do(again).ok());
  CHECK(http->seen().size() == 3);
  CHECK(http->seen()[2].authorization == good);
}

TEST_CASE("a Basic challenge without a login is kUnauthorized: authentication required") {
  auto http = std::make_shared<FakeHttp>(
      [&](const Seen&) { return Unauthorized("Basic realm=\"Registry Realm\""); });
  AuthTransport auth(http, Config());
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kUnauthorized);
  CHECK(resp.error().message().find("registry reg.example requires authentication") !=
        std::string::npos);
  CHECK(http->seen().size() == 1);
}

TEST_CASE("rejected Basic credentials are kUnauthorized naming the user, not the password") {
  auto http = std::make_shared<FakeHttp>(
      [&](const Seen&) { return Unauthorized("Basic realm=\"Registry Realm\""); });
  AuthTransport auth(http, Config(Credential{"alice", "wrong-pw", ""}));
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kUnauthorized);
  std::string msg = resp.error().ToString();
  CHECK(msg.find("rejected the credentials of user \"alice\"") != std::string::npos);
  CHECK(msg.find("wrong-pw") == std::string::npos);
  CHECK(msg.find(EncodeBase64("alice:wrong-pw")) == std::string::npos);
  CHECK(http->seen().size() == 2);
}

TEST_CASE("a plain-http token realm of a TLS registry gets no credentials") {
  TokenWorld world;
  world.realm = "http://auth.example/token";
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config(Credential{"alice", "s3cret", ""}));
  Request req = Get();
  REQUIRE(auth.Do(req).ok());  // anonymous access is enough here
  auto seen = http->seen();
  REQUIRE(seen.size() == 3);
  CHECK(StartsWith(seen[1].url, "http://auth.example/token"));
  CHECK(seen[1].authorization.empty());
  CHECK(seen[1].url.find("account=") == std::string::npos);
}

TEST_CASE("when the withheld login was needed, the error says why it was withheld") {
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) {
    if (StartsWith(s.url, "http://auth.example/")) return Make(200, {}, R"({"token":"anon"})");
    return Unauthorized(BearerChallengeFor("http://auth.example/token", "repository:a/b:pull"));
  });
  AuthTransport auth(http, Config(Credential{"alice", "s3cret", ""}));
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kUnauthorized);
  CHECK(resp.error().message().find("plain http") != std::string::npos);
}

TEST_CASE("an insecure registry's plain-http realm does get the credentials") {
  TokenWorld world;
  world.realm = "http://auth.example/token";
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthConfig config = Config(Credential{"alice", "s3cret", ""});
  config.insecure = true;
  AuthTransport auth(http, config);
  Request req;
  req.url = "http://reg.example/v2/a/b/manifests/latest";
  REQUIRE(auth.Do(req).ok());
  CHECK(http->seen()[1].authorization == "Basic " + EncodeBase64("alice:s3cret"));
  CHECK(http->seen()[2].authorization == "Bearer tok1");
}

TEST_CASE("a loopback registry used over http sends credentials to a plain-http realm only on loopback") {
  for (const char* realm : {"http://auth.example/token", "http://127.0.0.1:5001/token"}) {
    INFO(realm);
    TokenWorld world;
    world.realm = realm;
    auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
    AuthConfig config = Config(Credential{"alice", "s3cret", ""});
    config.registry = "127.0.0.1:5000";
    config.insecure = true;
    config.insecure_loopback_only = true;  // not named insecure: http came from the loopback default
    AuthTransport auth(http, config);
    Request req;
    req.url = "http://127.0.0.1:5000/v2/a/b/manifests/latest";
    REQUIRE(auth.Do(req).ok());
    const bool loopback_realm = StartsWith(realm, "http://127.0.0.1");
    CHECK(http->seen()[1].authorization ==
          (loopback_realm ? "Basic " + EncodeBase64("alice:s3cret") : std::string()));
  }
}

TEST_CASE("Authorization goes only to the registry's own host, port and scheme") {
  std::string good = "Basic " + EncodeBase64("alice:s3cret");
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) {
    if (StartsWith(s.url, kRegistry) && s.authorization != good) {
      return Unauthorized("Basic realm=\"r\"");
    }
    return Make(200);
  });
  AuthTransport auth(http, Config(Credential{"alice", "s3cret", ""}));
  Request req = Get();
  REQUIRE(auth.Do(req).ok());  // Basic is now known

  for (std::string url : {"https://storage.example/blob", "https://reg.example:8443/v2/",
                          "http://reg.example/v2/", "https://reg.example.evil/v2/"}) {
    Request other;
    other.url = url;
    other.SetHeader("Authorization", good);  // e.g. left over from the registry's request
    REQUIRE(auth.Do(other).ok());
    CHECK(http->seen().back().url == url);
    CHECK(http->seen().back().authorization.empty());
  }
  Request same;
  same.url = "https://REG.example:443/v2/";
  REQUIRE(auth.Do(same).ok());
  CHECK(http->seen().back().authorization == good);
}

TEST_CASE("a resendable body is rewound before the authenticated retry") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config());
  std::optional<StringReader> body(std::in_place, "manifest bytes");
  Request req = Get();
  req.method = "PUT";
  req.body = &*body;
  req.body_size = 14;
  int rewinds = 0;
  req.rewind = [&] {
    ++rewinds;
    body.emplace("manifest bytes");
    return hoist::Ok();
  };
  REQUIRE(auth.Do(req).ok());
  CHECK(rewinds == 1);
  auto seen = http->seen();
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].method == "PUT");
  CHECK(seen[2].body == "manifest bytes");
}

TEST_CASE("a body that cannot be resent is preceded by a probe and sent once, authenticated") {
  TokenWorld world;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config());
  StringReader body("chunk");
  Request req = Get("/v2/a/b/blobs/uploads/123");
  req.method = "PATCH";
  req.body = &body;
  req.body_size = 5;
  auto resp = auth.Do(req);
  REQUIRE(resp.ok());
  CHECK(resp->status == 200);
  auto seen = http->seen();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].url == "https://reg.example/v2/");
  CHECK(StartsWith(seen[1].url, kRealm));
  CHECK(seen[2].method == "PATCH");
  CHECK(seen[2].body == "chunk");
  CHECK(seen[2].authorization == "Bearer tok1");
}

TEST_CASE("a 401 after a body that cannot be resent is an error, not a silent retry") {
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) {
    if (s.url == "https://reg.example/v2/") return Make(200);  // the probe finds /v2/ open
    return Unauthorized("Basic realm=\"r\"");
  });
  AuthTransport auth(http, Config(Credential{"alice", "s3cret", ""}));
  StringReader body("chunk");
  Request req = Get("/v2/a/b/blobs/uploads/123");
  req.method = "PATCH";
  req.body = &body;
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kUnauthorized);
  CHECK(resp.error().message().find("cannot be sent again") != std::string::npos);
  CHECK(http->seen().size() == 2);
}

TEST_CASE("a malformed WWW-Authenticate header is a parse error naming the registry") {
  auto http = std::make_shared<FakeHttp>(
      [&](const Seen&) { return Unauthorized("Bearer realm=\"https://auth.example/token"); });
  AuthTransport auth(http, Config());
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kParse);
  CHECK(resp.error().ToString().find("registry reg.example") != std::string::npos);
  CHECK(resp.error().ToString().find("unterminated") != std::string::npos);
}

TEST_CASE("a Bearer challenge whose realm is not an http(s) URL is refused") {
  auto http = std::make_shared<FakeHttp>(
      [&](const Seen&) { return Unauthorized("Bearer realm=\"file:///etc/passwd\""); });
  AuthTransport auth(http, Config());
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kParse);
  CHECK(resp.error().ToString().find("not an absolute http(s) URL") != std::string::npos);
  CHECK(http->seen().size() == 1);
}

TEST_CASE("a 401 without WWW-Authenticate is kUnauthorized and says what is missing") {
  auto http = std::make_shared<FakeHttp>([&](const Seen&) { return Make(401, {}, kUnauthorizedBody); });
  AuthTransport auth(http, Config());
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kUnauthorized);
  CHECK(resp.error().message().find("no WWW-Authenticate header") != std::string::npos);
}

TEST_CASE("a challenge in an unknown scheme is kUnsupported") {
  auto http =
      std::make_shared<FakeHttp>([&](const Seen&) { return Unauthorized("Negotiate abc=="); });
  AuthTransport auth(http, Config());
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kUnsupported);
  CHECK(resp.error().message().find("\"negotiate\"") != std::string::npos);
}

TEST_CASE("a realm answering with something other than JSON fails the request with a parse error") {
  TokenWorld world;
  world.token_body_override = "<html>secret-looking page</html>";
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthTransport auth(http, Config());
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kParse);
  std::string msg = resp.error().ToString();
  CHECK(msg.find("is not JSON") != std::string::npos);
  CHECK(msg.find("registry reg.example") != std::string::npos);
  CHECK(msg.find("secret-looking") == std::string::npos);
}

TEST_CASE("a token service refusing the login is kUnauthorized naming the user") {
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) {
    if (StartsWith(s.url, kRealm)) return Make(401, {}, R"({"details":"incorrect username or password"})");
    return Unauthorized(BearerChallengeFor(kRealm, "repository:a/b:pull"));
  });
  AuthTransport auth(http, Config(Credential{"alice", "wrong-pw", ""}));
  Request req = Get();
  auto resp = auth.Do(req);
  REQUIRE_FALSE(resp.ok());
  CHECK(resp.error().code() == ErrorCode::kUnauthorized);
  std::string msg = resp.error().ToString();
  CHECK(msg.find("rejected user \"alice\" for registry reg.example") != std::string::npos);
  CHECK(msg.find("wrong-pw") == std::string::npos);
}

TEST_CASE("the debug log tells the flow without a password or a token") {
  TokenWorld world;
  std::vector<std::string> lines;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthConfig config = Config(Credential{"alice", "s3cret", ""});
  config.debug_log = [&](std::string_view line) { lines.emplace_back(line); };
  AuthTransport auth(http, config);
  Request req = Get();
  REQUIRE(auth.Do(req).ok());
  REQUIRE_FALSE(lines.empty());
  for (const std::string& l : lines) {
    CHECK(l.find("s3cret") == std::string::npos);
    CHECK(l.find("tok1") == std::string::npos);
  }
}

TEST_CASE("a shared cache does not hand one login's token to another") {
  TokenWorld world;
  TokenCache cache;
  auto http = std::make_shared<FakeHttp>([&](const Seen& s) { return world.Handle(s); });
  AuthConfig anon = Config();
  anon.token_cache = &cache;
  AuthConfig alice = Config(Credential{"alice", "s3cret", ""});
  alice.token_cache = &cache;
  AuthTransport a(http, anon), b(http, alice);
  Request r1 = Get(), r2 = Get();
  REQUIRE(a.Do(r1).ok());
  REQUIRE(b.Do(r2).ok());
  CHECK(world.issued == 2);
}
