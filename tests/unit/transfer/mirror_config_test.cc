// The mirror config: skopeo sync's YAML as it is, hoist's additions, and errors that name the key.

#include <catch2/catch.hpp>

#include "transfer/mirror/config.h"

using namespace hoist;
using namespace hoist::transfer::mirror;

TEST_CASE("a skopeo sync config reads as skopeo writes it") {
  auto c = ParseMirrorConfig(R"(
registry.example.com:
  tls-verify: false
  cert-dir: /etc/certs
  credentials:
    username: joe
    password: s3cret
  images:
    library/alpine: ["3.19", "sha256:0000000000000000000000000000000000000000000000000000000000000000"]
    busybox: []
    empty:
  images-by-tag-regex:
    nginx: ^1\.2[0-9]\.
  images-by-semver:
    redis: ">= 7.0.0 < 8"
  some-future-key: 1
127.0.0.1:5000:
  images:
    app: [v1]
)");
  REQUIRE(c.ok());
  REQUIRE(c->registries.size() == 2);
  const auto& r = c->registries[0];
  CHECK(r.host == "registry.example.com");
  CHECK(r.tls_verify == std::optional<bool>(false));
  CHECK(r.cert_dir == "/etc/certs");
  CHECK(r.has_credentials);
  CHECK(r.username == "joe");
  REQUIRE(r.selections.size() == 5);
  CHECK(r.selections[0].repository == "library/alpine");
  CHECK(r.selections[0].refs.size() == 2);
  CHECK(r.selections[1].refs.empty());
  CHECK(r.selections[2].refs.empty());
  CHECK(r.selections[3].kind == SelectionKind::kRegex);
  CHECK(r.selections[3].pattern == "^1\\.2[0-9]\\.");
  CHECK(r.selections[4].kind == SelectionKind::kSemver);
  CHECK(r.hoist.signatures);
  CHECK(c->registries[1].host == "127.0.0.1:5000");
}

TEST_CASE("hoist's additions under hoist:") {
  auto c = ParseMirrorConfig(R"(
docker.io:
  images:
    library/alpine: []
  hoist:
    platforms: [linux/amd64, linux/arm64/v8]
    newest: 3
    exclude: ["-rc", "^edge$"]
    signatures: false
    referrers: no
    rewrite:
      "library/": "dockerhub/"
      "library/al": "a/"
)");
  REQUIRE(c.ok());
  const auto& h = c->registries[0].hoist;
  CHECK(h.platforms.size() == 2);
  CHECK(h.newest == 3);
  CHECK(h.exclude.size() == 2);
  CHECK_FALSE(h.signatures);
  CHECK_FALSE(h.referrers);
  CHECK(RewriteRepository(h, "library/alpine") == "a/pine");
  CHECK(RewriteRepository(h, "library/busybox") == "dockerhub/busybox");
  CHECK(RewriteRepository(h, "other/x") == "other/x");
}

TEST_CASE("bad configs fail with the key named") {
  auto err = [](const char* yaml) {
    auto c = ParseMirrorConfig(yaml);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code() == ErrorCode::kParse);
    return c.error().message();
  };
  CHECK_THAT(err("reg.io:\n  images: [a, b]\n"), Catch::Contains("reg.io: images"));
  CHECK_THAT(err("reg.io:\n  images:\n    app: notalist\n"), Catch::Contains("reg.io: images: app"));
  CHECK_THAT(err("reg.io:\n  images:\n    app: [\"bad tag!\"]\n"), Catch::Contains("bad tag!"));
  CHECK_THAT(err("reg.io:\n  images:\n    UPPER: []\n"), Catch::Contains("UPPER"));
  CHECK_THAT(err("reg.io:\n  images-by-tag-regex:\n    app: \"([a-z\"\n"), Catch::Contains("images-by-tag-regex: app"));
  CHECK_THAT(err("reg.io:\n  images-by-semver:\n    app: \">= banana\"\n"), Catch::Contains("images-by-semver: app"));
  CHECK_THAT(err("reg.io:\n  tls-verify: maybe\n"), Catch::Contains("reg.io: tls-verify"));
  CHECK_THAT(err("reg.io:\n  hoist:\n    newest: -1\n"), Catch::Contains("reg.io: hoist: newest"));
  CHECK_THAT(err("reg.io:\n  hoist:\n    platforms: [\"\"]\n"), Catch::Contains("reg.io: hoist: platforms"));
  CHECK_THAT(err("reg.io:\n  hoist:\n    colour: blue\n"), Catch::Contains("unknown key"));
  CHECK_THAT(err("- just\n- a list\n"), Catch::Contains("top-level"));
  CHECK_THAT(err("reg.io: [unclosed\n"), Catch::Contains("not valid YAML"));
  CHECK_THAT(err(""), Catch::Contains("empty"));
  CHECK_THAT(err("\"not a host!\":\n  images: {}\n"), Catch::Contains("not a registry host"));
}

TEST_CASE("the password never appears in an error") {
  auto c = ParseMirrorConfig("reg.io:\n  credentials:\n    username: u\n    password: [hunter2]\n");
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message(), !Catch::Contains("hunter2"));
  CHECK_THAT(c.error().message(), Catch::Contains("password"));
}
