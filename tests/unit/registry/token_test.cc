#include "registry/auth/token.h"

#include <catch2/catch.hpp>
#include <thread>

using hoist::ErrorCode;
using hoist::registry::ParseRfc3339;
using hoist::registry::ParseTokenResponse;
using hoist::registry::Token;
using hoist::registry::TokenCache;
using hoist::registry::TokenKey;
using namespace std::chrono_literals;

namespace {
constexpr const char* kRealm = "https://auth.example.com/token";
}

TEST_CASE("a token response with token, expires_in, issued_at and refresh_token parses") {
  auto t = ParseTokenResponse(
      R"({"token":"abc","expires_in":300,"issued_at":"2024-01-02T03:04:05Z","refresh_token":"r1"})", kRealm);
  REQUIRE(t.ok());
  CHECK(t->token == "abc");
  CHECK(t->expires_in == 300s);
  CHECK(t->refresh_token == "r1");
  REQUIRE(t->issued_at.has_value());
  CHECK(std::chrono::duration_cast<std::chrono::seconds>(t->issued_at->time_since_epoch()).count() ==
        1704164645);
}

TEST_CASE("a token response with only access_token uses it") {
  auto t = ParseTokenResponse(R"({"access_token":"oauth","expires_in":120})", kRealm);
  REQUIRE(t.ok());
  CHECK(t->token == "oauth");
}

TEST_CASE("token wins over access_token when both are present") {
  auto t = ParseTokenResponse(R"({"token":"t","access_token":"a"})", kRealm);
  REQUIRE(t.ok());
  CHECK(t->token == "t");
  auto empty_token = ParseTokenResponse(R"({"token":"","access_token":"a"})", kRealm);
  REQUIRE(empty_token.ok());
  CHECK(empty_token->token == "a");
}

TEST_CASE("expires_in defaults to 60 seconds and is never below 60") {
  auto none = ParseTokenResponse(R"({"token":"t"})", kRealm);
  REQUIRE(none.ok());
  CHECK(none->expires_in == 60s);
  CHECK_FALSE(none->issued_at.has_value());
  CHECK(none->refresh_token.empty());
  for (const char* body : {R"({"token":"t","expires_in":5})", R"({"token":"t","expires_in":-100})",
                           R"({"token":"t","expires_in":0})", R"({"token":"t","expires_in":null})"}) {
    auto t = ParseTokenResponse(body, kRealm);
    REQUIRE(t.ok());
    CHECK(t->expires_in == 60s);
  }
  auto huge = ParseTokenResponse(R"({"token":"t","expires_in":1e300})", kRealm);
  REQUIRE(huge.ok());
  CHECK(huge->expires_in > 24h);
}

TEST_CASE("a token response that is not JSON is a parse error that does not echo the body") {
  std::string body = "<html>secret-session-abcdef</html>";
  auto t = ParseTokenResponse(body, kRealm, "text/html");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code() == ErrorCode::kParse);
  const std::string& m = t.error().message();
  CHECK_THAT(m, Catch::Contains("token response from \"https://auth.example.com/token\" is not JSON"));
  CHECK_THAT(m, Catch::Contains("text/html"));
  CHECK_THAT(m, Catch::Contains(std::to_string(body.size()) + " bytes"));
  CHECK_THAT(m, !Catch::Contains("secret-session"));
}

TEST_CASE("a token response without a token is a parse error") {
  for (const char* body : {R"({})", R"({"expires_in":300})", R"({"token":"","access_token":""})",
                           R"({"token":null})"}) {
    INFO(body);
    auto t = ParseTokenResponse(body, kRealm);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code() == ErrorCode::kParse);
    CHECK_THAT(t.error().message(), Catch::Contains("has no token"));
  }
}

TEST_CASE("token response fields of the wrong type are parse errors that do not echo secrets") {
  struct Case {
    const char* body;
    const char* field;
  };
  for (Case c : {Case{R"({"token":42})", "token"}, Case{R"({"token":"sekrit","expires_in":"300"})", "expires_in"},
                 Case{R"({"access_token":["x"]})", "access_token"},
                 Case{R"({"token":"sekrit","refresh_token":{}})", "refresh_token"},
                 Case{R"({"token":"sekrit","issued_at":12})", "issued_at"},
                 Case{R"({"token":"sekrit","issued_at":"yesterday"})", "issued_at"}}) {
    INFO(c.body);
    auto t = ParseTokenResponse(c.body, kRealm);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code() == ErrorCode::kParse);
    CHECK_THAT(t.error().message(), Catch::Contains(c.field));
    CHECK_THAT(t.error().message(), !Catch::Contains("sekrit"));
  }
  auto array = ParseTokenResponse(R"(["token"])", kRealm);
  REQUIRE_FALSE(array.ok());
  CHECK_THAT(array.error().message(), Catch::Contains("not a JSON object"));
}

TEST_CASE("RFC 3339 times with fractions and offsets parse") {
  auto base = ParseRfc3339("2016-01-26T20:24:32Z");
  REQUIRE(base.ok());
  auto frac = ParseRfc3339("2016-01-26T20:24:32.171264147Z");
  REQUIRE(frac.ok());
  CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(*frac - *base).count() == 171);
  auto offset = ParseRfc3339("2016-01-26T21:24:32+01:00");
  REQUIRE(offset.ok());
  CHECK(*offset == *base);
  auto lower = ParseRfc3339("2016-01-26t20:24:32z");
  REQUIRE(lower.ok());
  CHECK(*lower == *base);
  for (const char* bad : {"", "2016-01-26", "2016-13-01T00:00:00Z", "2016-02-30T00:00:00Z",
                          "2016-01-26T20:24:32", "2016-01-26T20:24:32.Z", "2016-01-26T25:00:00Z",
                          "2016-01-26T20:24:32Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(ParseRfc3339(bad).ok());
  }
}

TEST_CASE("token keys ignore scope order and duplicates") {
  auto a = TokenKey::Make("reg", {"repository:b:pull", "repository:a:pull,push", "repository:b:pull"});
  auto b = TokenKey::Make("reg", {"repository:a:pull,push", "repository:b:pull"});
  CHECK(a == b);
  CHECK_FALSE(a == TokenKey::Make("other", {"repository:a:pull,push", "repository:b:pull"}));
}

TEST_CASE("the token cache hands out a token until shortly before it expires") {
  auto now = std::chrono::steady_clock::time_point{} + 1000h;
  TokenCache cache(TokenCache::Options{[&] { return now; }, 10s});
  auto key = TokenKey::Make("reg", {"repository:a:pull"});
  CHECK_FALSE(cache.Get(key).has_value());
  Token t;
  t.token = "abc";
  t.expires_in = 60s;
  cache.Put(key, t);
  REQUIRE(cache.Get(key).has_value());
  CHECK(cache.Get(key)->token == "abc");
  now += 49s;
  CHECK(cache.Get(key).has_value());
  now += 1s;  // 10 s left: inside the margin, refresh instead
  CHECK_FALSE(cache.Get(key).has_value());
  now += 1h;
  CHECK_FALSE(cache.Get(key).has_value());
}

TEST_CASE("the token cache keeps tokens for different scopes and hosts apart") {
  auto now = std::chrono::steady_clock::time_point{} + 1000h;
  TokenCache cache(TokenCache::Options{[&] { return now; }, 10s});
  Token pull, push;
  pull.token = "pull";
  push.token = "push";
  cache.Put(TokenKey::Make("reg", {"repository:a:pull"}), pull);
  cache.Put(TokenKey::Make("reg", {"repository:a:pull,push"}), push);
  CHECK(cache.Get(TokenKey::Make("reg", {"repository:a:pull"}))->token == "pull");
  CHECK(cache.Get(TokenKey::Make("reg", {"repository:a:pull,push"}))->token == "push");
  CHECK_FALSE(cache.Get(TokenKey::Make("other", {"repository:a:pull"})).has_value());
}

TEST_CASE("invalidating a cached token forgets only that key") {
  TokenCache cache;
  Token t;
  t.token = "abc";
  t.expires_in = 300s;
  auto k1 = TokenKey::Make("reg", {"repository:a:pull"});
  auto k2 = TokenKey::Make("reg", {"repository:b:pull"});
  cache.Put(k1, t);
  cache.Put(k2, t);
  cache.Invalidate(k1);
  CHECK_FALSE(cache.Get(k1).has_value());
  CHECK(cache.Get(k2).has_value());
  cache.Clear();
  CHECK_FALSE(cache.Get(k2).has_value());
}

TEST_CASE("the token cache is safe to use from several threads") {
  TokenCache cache;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&cache, i] {
      for (int j = 0; j < 500; ++j) {
        auto key = TokenKey::Make("reg", {"repository:r" + std::to_string(j % 7) + ":pull"});
        Token t;
        t.token = std::to_string(i);
        t.expires_in = 300s;
        cache.Put(key, t);
        (void)cache.Get(key);
        if (j % 13 == 0) cache.Invalidate(key);
      }
    });
  }
  for (auto& t : threads) t.join();
  SUCCEED();
}

TEST_CASE("a token response nested 120,000 deep is refused with a parse error") {
  std::string body = "{\"token\":\"t\",\"x\":" + std::string(120000, '[') + std::string(120000, ']') + "}";
  auto t = ParseTokenResponse(body, kRealm);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code() == ErrorCode::kParse);
  CHECK_THAT(t.error().message(), Catch::Contains("nested deeper than 64 levels"));
}

TEST_CASE("an RFC 3339 time outside the years a clock can hold is refused, not overflowed") {
  // Found by fuzz_token_response: year 1012 overflowed system_clock's 64-bit nanoseconds.
  for (const char* far : {"1012-03-01T10:00:00.123456789+01:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                          "1969-12-31T23:59:59Z", "2201-01-01T00:00:00Z"}) {
    INFO(far);
    auto t = ParseRfc3339(far);
    REQUIRE_FALSE(t.ok());
    CHECK_THAT(t.error().message(), Catch::Contains("outside the years 1970 to 2200"));
  }
  CHECK(ParseRfc3339("2200-12-31T23:59:59Z").ok());
  auto response = ParseTokenResponse(R"({"token":"t","issued_at":"1012-03-01T10:00:00+01:00"})", kRealm);
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code() == ErrorCode::kParse);
}
