#include "core/reference.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

using hoist::Digest;
using hoist::DigestAlgorithm;
using hoist::ErrorCode;
using hoist::Reference;
using hoist::ReferenceParseOptions;

namespace {

const std::string kSha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kSha512 = Digest::Of("", DigestAlgorithm::kSha512).str();

Reference MustParse(std::string_view text, ReferenceParseOptions options = {}) {
  auto r = Reference::Parse(text, options);
  INFO(text);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("valid references normalize as docker normalizes them") {
  struct Case {
    std::string input;
    std::string normalized;
  };
  const std::string hex = kSha256.substr(7);
  const std::vector<Case> cases = {
      // Docker Hub defaults.
      {"alpine", "docker.io/library/alpine:latest"},
      {"alpine:3.19", "docker.io/library/alpine:3.19"},
      {"library/alpine", "docker.io/library/alpine:latest"},
      {"docker.io/alpine", "docker.io/library/alpine:latest"},
      {"docker.io/library/alpine:3.19", "docker.io/library/alpine:3.19"},
      {"index.docker.io/alpine", "docker.io/library/alpine:latest"},
      {"index.docker.io/foo/bar:1", "docker.io/foo/bar:1"},
      {"foo/bar", "docker.io/foo/bar:latest"},
      {"foo/bar/baz", "docker.io/foo/bar/baz:latest"},
      {"docker.io", "docker.io/library/docker.io:latest"},
      {"0/1", "docker.io/0/1:latest"},
      // Registries: dots, ports, localhost, uppercase, IPv4 and IPv6.
      {"localhost/x", "localhost/x:latest"},
      {"localhost:5000/x", "localhost:5000/x:latest"},
      {"localhost:5000/x:v1", "localhost:5000/x:v1"},
      {"localhost", "docker.io/library/localhost:latest"},
      {"localhost:5000", "docker.io/library/localhost:5000"},  // no '/': the port reads as a tag, as in docker
      {"registry.example.com/team/app:1.0", "registry.example.com/team/app:1.0"},
      {"registry.example.com:443/app", "registry.example.com:443/app:latest"},
      {"sub.domain.example.com:5000/a/b/c:tag", "sub.domain.example.com:5000/a/b/c:tag"},
      {"my-registry.local/x", "my-registry.local/x:latest"},
      {"127.0.0.1:5000/app", "127.0.0.1:5000/app:latest"},
      {"localhost:65535/x", "localhost:65535/x:latest"},
      {"[::1]/x", "[::1]/x:latest"},
      {"[::1]:5000/x", "[::1]:5000/x:latest"},
      {"[2001:db8::1]:5000/team/app:v2", "[2001:db8::1]:5000/team/app:v2"},
      {"[2001:DB8::A]/x", "[2001:DB8::A]/x:latest"},
      {"Registry.Example.COM/app", "Registry.Example.COM/app:latest"},
      {"Foo/bar", "Foo/bar:latest"},  // an uppercase first part can only be a registry
      // Separators.
      {"a_b", "docker.io/library/a_b:latest"},
      {"a__b", "docker.io/library/a__b:latest"},
      {"a.b", "docker.io/library/a.b:latest"},
      {"a-b", "docker.io/library/a-b:latest"},
      {"a--b", "docker.io/library/a--b:latest"},
      {"a---b", "docker.io/library/a---b:latest"},
      {"foo/a.b_c-d__e/f1", "docker.io/foo/a.b_c-d__e/f1:latest"},
      // Tags.
      {"x:Tag_1.0-rc", "docker.io/library/x:Tag_1.0-rc"},
      {"x:_", "docker.io/library/x:_"},
      {"x:" + std::string(128, 't'), "docker.io/library/x:" + std::string(128, 't')},
      // Digests: no ":latest" is added; a tag given with a digest is kept.
      {"x@" + kSha256, "docker.io/library/x@" + kSha256},
      {"x:1@" + kSha256, "docker.io/library/x:1@" + kSha256},
      {"x@" + kSha512, "docker.io/library/x@" + kSha512},
      {"localhost:5000/x@" + kSha256, "localhost:5000/x@" + kSha256},
      {"[::1]:5000/x:v@" + kSha512, "[::1]:5000/x:v@" + kSha512},
      // Length: 255 characters of path is the limit; the registry is not counted (distribution/reference).
      {"example.com/" + std::string(255, 'a') + ":tag", "example.com/" + std::string(255, 'a') + ":tag"},
      {std::string(247, 'a'), "docker.io/library/" + std::string(247, 'a') + ":latest"},
      {hex.substr(0, 63), "docker.io/library/" + hex.substr(0, 63) + ":latest"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    auto r = Reference::Parse(c.input);
    if (!r.ok()) FAIL(r.error().message());
    CHECK(r->str() == c.normalized);
    // The normalized form is a fixed point.
    auto again = Reference::Parse(r->str());
    REQUIRE(again.ok());
    CHECK(*again == *r);
  }
}

TEST_CASE("invalid references are rejected with a message naming the problem") {
  struct Case {
    std::string input;
    std::string why;
  };
  const std::vector<Case> cases = {
      // Empty parts.
      {"", "empty reference"},
      {":tag", "missing repository name"},
      {"@" + kSha256, "missing repository name"},
      {"alpine:", "tag is empty"},
      {"alpine@", "expected ALGORITHM:HEX"},
      {"alpine:tag@", "expected ALGORITHM:HEX"},
      {"foo//bar", "empty path component"},
      {"foo/", "empty path component"},
      {"//", "empty path component"},
      {"/foo", "empty path component"},
      {"localhost/", "repository name is empty"},
      {"localhost:5000/", "repository name is empty"},
      // Case.
      {"Alpine", "repository name must be lowercase"},
      {"ALPINE:latest", "repository name must be lowercase"},
      {"foo/Bar", "repository name must be lowercase"},
      {"localhost:5000/App", "repository name must be lowercase"},
      {"Foo/Bar", "repository name must be lowercase"},
      // Separators.
      {"a___b", "path component \"a___b\" is not valid"},
      {"-a", "path component \"-a\""},
      {"a-", "path component \"a-\""},
      {"_a", "path component"},
      {"a_", "path component"},
      {".a", "path component"},
      {"a.", "path component"},
      {"a..b", "path component"},
      {"a._b", "path component"},
      {"foo/a__", "path component \"a__\""},
      {"a b", "path component"},
      {"a$b", "path component"},
      // Tags.
      {"alpine:-x", "must start with a letter, digit or '_'"},
      {"alpine:.x", "must start with"},
      {"alpine:a b", "may hold only"},
      {"alpine:a+b", "may hold only"},
      {"x:" + std::string(129, 't'), "too long (129 characters, at most 128)"},
      // Digests.
      {"alpine@sha256:abc", "sha256 needs 64 hex digits, got 3"},
      {"alpine@md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported algorithm"},
      {"alpine@SHA256:" + kSha256.substr(7), "unsupported algorithm"},
      {"alpine@sha256:" + std::string(64, 'A'), "lowercase"},
      {"alpine@" + kSha256 + "@" + kSha256, "non-hex"},
      {"alpine@" + kSha512.substr(0, 100), "sha512 needs 128 hex digits"},
      {kSha256.substr(7), "image ID"},
      // Registries.
      {"localhost:abc/x", "invalid port \"abc\""},
      {"localhost:65536/x", "invalid port"},
      {"localhost:/x", "invalid port"},
      {"alpine:a/b", "invalid port"},
      {"-bad.com/x", "registry host \"-bad.com\" is not valid"},
      {"bad-.com/x", "registry host"},
      {"a..com/x", "registry host"},
      {"my_host.com/x", "registry host"},
      {".com/x", "registry host"},
      {"a.b_c/x", "registry host \"a.b_c\""},  // a dot makes the first part a registry
      {"localhost:5000:1/x", "invalid port \"5000:1\""},
      {"x:1:2", "path component \"x:1\""},
      {"[::1/x", "no closing ']'"},
      {"[::g]/x", "not a valid IPv6 address"},
      {"[::ffff:1.2.3.4]/x", "not a valid IPv6 address"},
      {"[1:2:3:4:5:6:7:8:9]/x", "not a valid IPv6 address"},
      {"[]:5000/x", "not a bracketed IPv6 address"},
      {"[::1]x/y", "text after its IPv6 address"},
      {"[::1]:/x", "invalid port"},
      // Length.
      {"example.com/" + std::string(256, 'a'), "too long (256 characters without its registry, at most 255)"},
      {std::string(248, 'a'), "too long (256 characters"},  // "library/" counts
  };
  CHECK(cases.size() >= 60);
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    auto r = Reference::Parse(c.input);
    if (r.ok()) FAIL("parsed as " << r->str());
    CHECK(r.error().code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(r.error().message(), Catch::Contains(c.why));
    CHECK_THAT(r.error().message(), Catch::StartsWith("invalid reference \""));
  }
}

TEST_CASE("error messages escape binary input and shorten long input") {
  auto r = Reference::Parse(std::string("x\x01y\n", 4));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("x\\x01y\\x0a"));
  std::string long_input(1000, '!');
  auto l = Reference::Parse(long_input);
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().message().size() < 400);
}

TEST_CASE("accessors split a reference into registry, repository, tag and digest") {
  Reference r = MustParse("localhost:5000/team/app:v1@" + kSha256);
  CHECK(r.domain() == "localhost:5000");
  CHECK(r.repository() == "team/app");
  CHECK(r.name() == "localhost:5000/team/app");
  CHECK(r.tag() == "v1");
  REQUIRE(r.digest().has_value());
  CHECK(r.digest()->str() == kSha256);

  Reference hub = MustParse("alpine");
  CHECK(hub.domain() == "docker.io");
  CHECK(hub.repository() == "library/alpine");
  CHECK(hub.name() == "docker.io/library/alpine");
  CHECK(hub.tag() == "latest");
  CHECK_FALSE(hub.digest().has_value());
}

TEST_CASE("parsing without a default tag leaves a bare repository") {
  ReferenceParseOptions bare{.default_tag = false};
  Reference r = MustParse("alpine", bare);
  CHECK_FALSE(r.tag().has_value());
  CHECK(r.str() == "docker.io/library/alpine");
  CHECK(MustParse("localhost:5000/x", bare).str() == "localhost:5000/x");
  CHECK(MustParse("alpine:3.19", bare).str() == "docker.io/library/alpine:3.19");
  CHECK(MustParse(r.str(), bare) == r);
}

TEST_CASE("familiar form shortens Docker Hub names only") {
  struct Case {
    std::string input;
    std::string familiar;
    std::string familiar_name;
  };
  const std::vector<Case> cases = {
      {"docker.io/library/alpine:3.19", "alpine:3.19", "alpine"},
      {"alpine", "alpine:latest", "alpine"},
      {"docker.io/foo/bar", "foo/bar:latest", "foo/bar"},
      {"library/a/b:1", "library/a/b:1", "library/a/b"},  // "a/b" would name Hub user "a"
      {"localhost:5000/x:1", "localhost:5000/x:1", "localhost:5000/x"},
      {"[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000/x"},
      {"alpine@" + kSha256, "alpine@" + kSha256, "alpine"},
      {"ghcr.io/library/x", "ghcr.io/library/x:latest", "ghcr.io/library/x"},
      // A first part that would read as a registry keeps the domain.
      {"docker.io/a.b/c", "docker.io/a.b/c:latest", "docker.io/a.b/c"},
      {"docker.io/localhost/c", "docker.io/localhost/c:latest", "docker.io/localhost/c"},
      {"docker.io/library/a.b", "a.b:latest", "a.b"},
  };
  for (const auto& c : cases) {
    INFO(c.input);
    Reference r = MustParse(c.input);
    CHECK(r.Familiar() == c.familiar);
    CHECK(r.FamiliarName() == c.familiar_name);
    CHECK(MustParse(r.Familiar()) == r);  // the short form means the same image
  }
  CHECK(MustParse("alpine", {.default_tag = false}).Familiar() == "alpine");
  // Without a tag, a bare 64-hex short form would read as an image ID, so "library/" stays (fuzz finding).
  const std::string hex64(64, 'f');
  Reference id_like = MustParse("library/" + hex64, {.default_tag = false});
  CHECK(id_like.Familiar() == "library/" + hex64);
  CHECK(MustParse(id_like.Familiar(), {.default_tag = false}) == id_like);
}

TEST_CASE("WithTag sets a validated tag and keeps the digest") {
  Reference r = MustParse("alpine");
  auto t = r.WithTag("3.19");
  REQUIRE(t.ok());
  CHECK(t->str() == "docker.io/library/alpine:3.19");
  CHECK(r.str() == "docker.io/library/alpine:latest");  // the original is untouched

  Reference pinned = MustParse("alpine@" + kSha256);
  auto both = pinned.WithTag("edge");
  REQUIRE(both.ok());
  CHECK(both->str() == "docker.io/library/alpine:edge@" + kSha256);

  auto bad = r.WithTag("no good");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(bad.error().message(), Catch::Contains("may hold only"));
  CHECK_FALSE(r.WithTag(std::string(129, 'x')).ok());
}

TEST_CASE("WithDigest keeps the tag and Bare drops both") {
  Reference r = MustParse("localhost:5000/x:v1");
  Digest d = Digest::Of("hello");
  Reference pinned = r.WithDigest(d);
  CHECK(pinned.str() == "localhost:5000/x:v1@" + d.str());
  CHECK(pinned.Bare().str() == "localhost:5000/x");
  CHECK_FALSE(pinned.Bare().tag().has_value());
  CHECK_FALSE(pinned.Bare().digest().has_value());
}

TEST_CASE("RegistryHost maps Docker Hub to its API host") {
  CHECK(MustParse("alpine").RegistryHost() == "registry-1.docker.io");
  CHECK(MustParse("index.docker.io/foo/bar").RegistryHost() == "registry-1.docker.io");
  CHECK(MustParse("localhost:5000/x").RegistryHost() == "localhost:5000");
  CHECK(MustParse("[::1]:5000/x").RegistryHost() == "[::1]:5000");
  CHECK(MustParse("ghcr.io/o/r").RegistryHost() == "ghcr.io");
}

TEST_CASE("ValidateTag checks a tag on its own") {
  CHECK(Reference::ValidateTag("v1.2.3-rc_1").ok());
  CHECK(Reference::ValidateTag(std::string(128, 'a')).ok());
  CHECK_FALSE(Reference::ValidateTag("").ok());
  CHECK_FALSE(Reference::ValidateTag(std::string(129, 'a')).ok());
  CHECK_FALSE(Reference::ValidateTag("-x").ok());
  CHECK_FALSE(Reference::ValidateTag("a:b").ok());
  CHECK_FALSE(Reference::ValidateTag("a/b").ok());
}

TEST_CASE("ValidateRepository and ValidateDomain check their parts on their own") {
  CHECK(Reference::ValidateRepository("library/alpine").ok());
  CHECK(Reference::ValidateRepository("a/b-c/d__e").ok());
  CHECK_FALSE(Reference::ValidateRepository("").ok());
  CHECK_FALSE(Reference::ValidateRepository("a//b").ok());
  CHECK_FALSE(Reference::ValidateRepository("A").ok());
  CHECK(Reference::ValidateDomain("localhost:5000").ok());
  CHECK(Reference::ValidateDomain("[fe80::1]:443").ok());
  CHECK(Reference::ValidateDomain("Example.com").ok());
  CHECK_FALSE(Reference::ValidateDomain("").ok());
  CHECK_FALSE(Reference::ValidateDomain("host:99999").ok());
  CHECK_FALSE(Reference::ValidateDomain("under_score.com").ok());
}

TEST_CASE("references compare and sort by their normalized form") {
  CHECK(MustParse("alpine") == MustParse("docker.io/library/alpine:latest"));
  CHECK_FALSE(MustParse("alpine") == MustParse("alpine:3"));
  CHECK_FALSE(MustParse("alpine@" + kSha256) == MustParse("alpine:latest@" + kSha256));
  std::vector<Reference> refs = {MustParse("b"), MustParse("a:2"), MustParse("a:1")};
  std::sort(refs.begin(), refs.end());
  CHECK(refs[0].str() == "docker.io/library/a:1");
  CHECK(refs[2].str() == "docker.io/library/b:latest");
}
