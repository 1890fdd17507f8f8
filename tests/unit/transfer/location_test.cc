#include <catch2/catch.hpp>

#include "transfer/location.h"

using namespace hoist;
using namespace hoist::transfer;

TEST_CASE("docker:// locations parse and normalize") {
  auto l = ParseLocation("docker://localhost:5000/team/app:v1");
  REQUIRE(l.ok());
  CHECK(l->kind == LocationKind::kRegistry);
  CHECK(l->ref->str() == "localhost:5000/team/app:v1");
  CHECK(l->str() == "docker://localhost:5000/team/app:v1");
  auto hub = ParseLocation("docker://alpine");
  REQUIRE(hub.ok());
  CHECK(hub->ref->str() == "docker.io/library/alpine:latest");
  auto bare = ParseLocation("docker://localhost:5000/app", {.allow_store = true, .default_tag = false});
  REQUIRE(bare.ok());
  CHECK_FALSE(bare->ref->tag());
}

TEST_CASE("oci: and archive locations split path and REF at the first colon") {
  auto oci = ParseLocation("oci:/tmp/layout:v1");
  REQUIRE(oci.ok());
  CHECK(oci->kind == LocationKind::kOciLayout);
  CHECK(oci->path == "/tmp/layout");
  CHECK(oci->name == "v1");
  auto noref = ParseLocation("oci:/tmp/layout");
  REQUIRE(noref.ok());
  CHECK(noref->name.empty());
  auto arch = ParseLocation("oci-archive:/tmp/a.tar:app:1");
  REQUIRE(arch.ok());
  CHECK(arch->kind == LocationKind::kOciArchive);
  CHECK(arch->path == "/tmp/a.tar");
  CHECK(arch->name == "app:1");
  auto da = ParseLocation("docker-archive:/tmp/d.tar:app:1");
  REQUIRE(da.ok());
  CHECK(da->kind == LocationKind::kDockerArchive);
  CHECK(da->ref->str() == "docker.io/library/app:1");
}

TEST_CASE("docker-archive:FILE:@N names the Nth image, as skopeo") {
  auto l = ParseLocation("docker-archive:/tmp/d.tar:@1");
  REQUIRE(l.ok());
  CHECK(l->name == "@1");
  CHECK_FALSE(l->ref);
  for (const char* bad : {"docker-archive:/tmp/d.tar:@", "docker-archive:/tmp/d.tar:@x", "docker-archive:/t:@1a"}) {
    INFO(bad);
    auto b = ParseLocation(bad);
    REQUIRE_FALSE(b.ok());
    CHECK_THAT(b.error().message(), Catch::Contains("Nth image"));
  }
}

TEST_CASE("a bare reference means the store") {
  auto l = ParseLocation("localhost:5000/app:1");
  REQUIRE(l.ok());
  CHECK(l->kind == LocationKind::kStore);
  CHECK(l->ref->str() == "localhost:5000/app:1");
  auto refused = ParseLocation("localhost:5000/app:1", {.allow_store = false, .default_tag = true});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message().find("docker://") != std::string::npos);
}

TEST_CASE("bad locations get errors naming the problem") {
  for (const char* bad : {"", "docker://", "docker://UPPER/Case:x", "oci:", "oci::v1", "oci:/tmp/x:",
                          "containers-storage://x", "http://host/app", "docker-archive:/x.tar:@@",
                          "docker://app:bad tag"}) {
    INFO(bad);
    auto l = ParseLocation(bad);
    REQUIRE_FALSE(l.ok());
    CHECK(l.error().code() == ErrorCode::kInvalidArgument);
    CHECK(l.error().message().find("invalid location") != std::string::npos);
  }
}
