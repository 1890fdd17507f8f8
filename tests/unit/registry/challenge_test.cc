#include "registry/auth/challenge.h"

#include <catch2/catch.hpp>

#include "registry/auth/scope.h"

using hoist::ErrorCode;
using hoist::registry::Challenge;
using hoist::registry::FindChallenge;
using hoist::registry::MergeScopes;
using hoist::registry::ParseBearerChallenge;
using hoist::registry::ParseWwwAuthenticate;
using hoist::registry::PushScopes;
using hoist::registry::RepositoryScope;

namespace {

using Params = std::map<std::string, std::string>;

struct Expected {
  Expected(std::string s, Params p, std::string t = "")
      : scheme(std::move(s)), params(std::move(p)), token68(std::move(t)) {}
  std::string scheme;
  Params params;
  std::string token68;
};

}  // namespace

TEST_CASE("well-formed WWW-Authenticate headers parse into their challenges") {
  struct Case {
    std::string header;
    std::vector<Expected> want;
  };
  const Case cases[] = {
      {R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")",
       {{"bearer",
         {{"realm", "https://auth.docker.io/token"},
          {"service", "registry.docker.io"},
          {"scope", "repository:library/alpine:pull"}}}}},
      {R"(Basic realm="Registry Realm")", {{"basic", {{"realm", "Registry Realm"}}}}},
      {"Basic", {{"basic", {}}}},
      {"  Basic  ", {{"basic", {}}}},
      // Commas inside a quoted scope do not split parameters.
      {R"(Bearer realm="https://a/t",scope="repository:a/b:pull,push")",
       {{"bearer", {{"realm", "https://a/t"}, {"scope", "repository:a/b:pull,push"}}}}},
      // Several challenges in one header.
      {R"(Bearer realm="https://a/t",service="reg",scope="repository:a/b:pull,push", Basic realm="x")",
       {{"bearer", {{"realm", "https://a/t"}, {"service", "reg"}, {"scope", "repository:a/b:pull,push"}}},
        {"basic", {{"realm", "x"}}}}},
      {R"(Basic realm="x", Bearer realm="https://a/t")",
       {{"basic", {{"realm", "x"}}}, {"bearer", {{"realm", "https://a/t"}}}}},
      {"Basic, Bearer realm=\"r\"", {{"basic", {}}, {"bearer", {{"realm", "r"}}}}},
      // Case-insensitive scheme and parameter names; values keep their case.
      {R"(BEARER Realm="https://A/T",SERVICE="Reg")",
       {{"bearer", {{"realm", "https://A/T"}, {"service", "Reg"}}}}},
      {R"(bAsIc REALM="x")", {{"basic", {{"realm", "x"}}}}},
      // Spaces around '=' and after commas.
      {R"(Bearer realm = "https://a/t" , service= "s",scope ="x")",
       {{"bearer", {{"realm", "https://a/t"}, {"service", "s"}, {"scope", "x"}}}}},
      {"Bearer\trealm=\"r\"", {{"bearer", {{"realm", "r"}}}}},
      // Backslash escapes in quoted strings.
      {R"(Basic realm="a \"quoted\" realm")", {{"basic", {{"realm", "a \"quoted\" realm"}}}}},
      {R"(Basic realm="back\\slash")", {{"basic", {{"realm", "back\\slash"}}}}},
      {R"(Basic realm="\a\b")", {{"basic", {{"realm", "ab"}}}}},
      {R"(Basic realm="")", {{"basic", {{"realm", ""}}}}},
      // Unquoted token values, and the bare URLs some registries send.
      {"Basic realm=simple", {{"basic", {{"realm", "simple"}}}}},
      {"Bearer realm=https://auth.example.com/token,service=reg",
       {{"bearer", {{"realm", "https://auth.example.com/token"}, {"service", "reg"}}}}},
      // token68 forms.
      {"Negotiate YIIBhgYGKwYBBQUCoIIBejCCAXaga", {{"negotiate", {}, "YIIBhgYGKwYBBQUCoIIBejCCAXaga"}}},
      {"Negotiate abc+/de==", {{"negotiate", {}, "abc+/de=="}}},
      {"Negotiate abc=, Basic realm=\"x\"", {{"negotiate", {}, "abc="}, {"basic", {{"realm", "x"}}}}},
      {"NTLM, Negotiate", {{"ntlm", {}}, {"negotiate", {}}}},
      // Empty list elements are allowed.
      {R"(, Basic realm="x",, , Bearer realm="y",)",
       {{"basic", {{"realm", "x"}}}, {"bearer", {{"realm", "y"}}}}},
      {R"(Bearer realm="r",,service="s")", {{"bearer", {{"realm", "r"}, {"service", "s"}}}}},
      // Non-ASCII bytes inside a quoted string are kept.
      {"Basic realm=\"caf\xc3\xa9\"", {{"basic", {{"realm", "caf\xc3\xa9"}}}}},
      {R"(Bearer error="insufficient_scope",realm="https://a/t",scope="repository:x:pull repository:y:pull")",
       {{"bearer",
         {{"error", "insufficient_scope"},
          {"realm", "https://a/t"},
          {"scope", "repository:x:pull repository:y:pull"}}}}},
  };
  for (const Case& c : cases) {
    INFO("header: " << c.header);
    auto got = ParseWwwAuthenticate(c.header);
    REQUIRE(got.ok());
    REQUIRE(got->size() == c.want.size());
    for (size_t i = 0; i < c.want.size(); ++i) {
      CHECK((*got)[i].scheme == c.want[i].scheme);
      CHECK((*got)[i].params == c.want[i].params);
      CHECK((*got)[i].token68 == c.want[i].token68);
    }
  }
}

TEST_CASE("malformed WWW-Authenticate headers are parse errors naming the problem") {
  struct Case {
    std::string header;
    std::string why;
  };
  const Case cases[] = {
      {"", "missing authentication scheme"},
      {"   ", "missing authentication scheme"},
      {" , ,", "missing authentication scheme"},
      {R"(Bearer realm="https://a/t)", "unterminated quoted string"},
      {R"(Basic realm="x\)", "unterminated quoted string"},
      {R"(realm="x")", "missing authentication scheme"},
      {R"(="x")", "expected an authentication scheme"},
      {"Bearer realm", "has no value"},
      {"Bearer realm=", "has no value"},
      {R"(Bearer realm=, service="s")", "has no value"},
      {R"(Bearer realm="r", service=)", "has no value"},
      {R"(Bearer realm="r" service="s")", "expected ','"},
      {R"(Bearer realm="r"garbage)", "expected ','"},
      {"Basic realm=\"a\nb\"", "control character"},
      {"Bas\x01ic", "unexpected byte 0x01"},
      {"\xff\xfe", "expected an authentication scheme"},
      {R"(Bearer realm="a", realm="b")", "appears twice"},
      {R"(Bearer realm="a", REALM="b")", "appears twice"},
      {R"(Bearer realm=@@@"x")", "expected ','"},
      {R"(Bearer realm="r", ="s")", "expected a parameter name"},
      {"Basic (x)", "expected a parameter name"},
  };
  for (const Case& c : cases) {
    INFO("header: " << c.header);
    auto got = ParseWwwAuthenticate(c.header);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code() == ErrorCode::kParse);
    CHECK_THAT(got.error().message(), Catch::Contains(c.why));
    CHECK_THAT(got.error().message(), Catch::Contains("WWW-Authenticate"));
  }
}

TEST_CASE("parse errors quote long headers only in part") {
  std::string header = "Bearer realm=\"" + std::string(5000, 'a');
  auto got = ParseWwwAuthenticate(header);
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().message().size() < 400);
}

TEST_CASE("FindChallenge picks a challenge by scheme") {
  auto got = ParseWwwAuthenticate(R"(Basic realm="x", Bearer realm="https://a/t")");
  REQUIRE(got.ok());
  const Challenge* bearer = FindChallenge(*got, "bearer");
  REQUIRE(bearer != nullptr);
  CHECK(bearer->params.at("realm") == "https://a/t");
  CHECK(FindChallenge(*got, "digest") == nullptr);
}

TEST_CASE("a Bearer challenge yields realm, service and its scopes") {
  auto got = ParseWwwAuthenticate(
      R"(Bearer realm="https://auth.example.com/token",service="reg.example.com",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope")");
  REQUIRE(got.ok());
  auto bearer = ParseBearerChallenge(got->front());
  REQUIRE(bearer.ok());
  CHECK(bearer->realm == "https://auth.example.com/token");
  CHECK(bearer->service == "reg.example.com");
  CHECK(bearer->scopes == std::vector<std::string>{"repository:a/b:pull,push", "repository:c:pull"});
  CHECK(bearer->error == "insufficient_scope");
}

TEST_CASE("a Bearer challenge without scope or service is fine") {
  auto got = ParseWwwAuthenticate(R"(Bearer realm="http://127.0.0.1:5001/auth")");
  REQUIRE(got.ok());
  auto bearer = ParseBearerChallenge(got->front());
  REQUIRE(bearer.ok());
  CHECK(bearer->service.empty());
  CHECK(bearer->scopes.empty());
}

TEST_CASE("a Bearer challenge needs an absolute http(s) realm") {
  for (const char* header : {R"(Bearer service="s")", R"(Bearer realm="")", R"(Bearer realm="/token")",
                             R"(Bearer realm="ftp://a/token")", R"(Bearer realm="https:///token")",
                             R"(Bearer realm="file:///etc/passwd")", R"(Bearer realm="https://a b/t")"}) {
    INFO(header);
    auto got = ParseWwwAuthenticate(header);
    REQUIRE(got.ok());
    auto bearer = ParseBearerChallenge(got->front());
    REQUIRE_FALSE(bearer.ok());
    CHECK(bearer.error().code() == ErrorCode::kParse);
    CHECK_THAT(bearer.error().message(), Catch::Contains("realm"));
  }
}

TEST_CASE("ParseBearerChallenge refuses other schemes") {
  auto got = ParseWwwAuthenticate(R"(Basic realm="https://a/t")");
  REQUIRE(got.ok());
  auto bearer = ParseBearerChallenge(got->front());
  REQUIRE_FALSE(bearer.ok());
  CHECK_THAT(bearer.error().message(), Catch::Contains("basic"));
}

TEST_CASE("RepositoryScope joins repository and actions") {
  CHECK(RepositoryScope("library/alpine", {"pull"}) == "repository:library/alpine:pull");
  CHECK(RepositoryScope("a/b", {"pull", "push"}) == "repository:a/b:pull,push");
}

TEST_CASE("push scopes put the destination first, then the mount source") {
  CHECK(PushScopes("dst/repo") == std::vector<std::string>{"repository:dst/repo:pull,push"});
  CHECK(PushScopes("dst/repo", "src/repo") ==
        std::vector<std::string>{"repository:dst/repo:pull,push", "repository:src/repo:pull"});
  CHECK(PushScopes("same", "same") == std::vector<std::string>{"repository:same:pull,push"});
}

TEST_CASE("merging scopes unions actions per resource and keeps our order first") {
  auto merged = MergeScopes({"repository:dst:pull,push", "repository:src:pull"},
                            {"repository:src:pull", "repository:dst:delete", "registry:catalog:*"});
  CHECK(merged == std::vector<std::string>{"repository:dst:pull,push,delete", "repository:src:pull",
                                           "registry:catalog:*"});
}

TEST_CASE("merging scopes keeps unstructured scopes once and drops empty ones") {
  auto merged = MergeScopes({"openid", ""}, {"openid", "repository:a:pull"});
  CHECK(merged == std::vector<std::string>{"openid", "repository:a:pull"});
}

TEST_CASE("scopes of repositories with a port-like colon merge on the full name") {
  auto merged = MergeScopes({"repository:host:5000/a:pull"}, {"repository:host:5000/a:push"});
  CHECK(merged == std::vector<std::string>{"repository:host:5000/a:pull,push"});
}
