// `hoist build` outputs and its neighbours: --output archives, --push and FROM a registry image
// through the real registry, the examples/build demo, and the cache surviving `hoist prune`.

#include <catch2/catch.hpp>

#include "integration/build_test_support.h"
#include "support/registry_fixture.h"

using hoist::testing::BuildEnv;
using hoist::testing::Count;
using hoist::testing::kBuildBase;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::RunCommand;

#define REQUIRE_BUSYBOX(e)                         \
  if (!(e).ok) {                                   \
    WARN("busybox-static not installed: skipped"); \
    return;                                        \
  }

TEST_CASE("the examples/build demo builds and runs over the busybox base") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  const std::string example = std::string(HOIST_SOURCE_DIR) + "/examples/build";
  auto built = e.Build(example, {"--build-arg", std::string("BASE=") + kBuildBase, "-t", "localhost/demo/hello:1"});
  CHECK(Count(built.err, "Step ") == 10);
  auto run = e.Hoist({"run", "--rm", "localhost/demo/hello:1"});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out == "hello from hoist build, version 1.0\nbuilt without a daemon, layer by layer.\n");
  CHECK(e.Run("localhost/demo/hello:1", "ls /srv; test -e /src || echo no-build-stage-files") ==
        "banner.txt\nno-build-stage-files\n");
}

TEST_CASE("build --output writes an oci-archive file that loads back") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("out", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nCOPY msg /msg\n"}, {"msg", "m\n"}});
  e.Build(ctx, {"-t", "localhost/test/out:1", "--output", "oci-archive:" + e.tmp / "img.oci.tar"});
  e.Build(ctx, {"--output", "oci-archive:" + e.tmp / "untagged.tar"});  // untagged works too
  CHECK_THAT(RunCommand({"tar", "-tf", e.tmp / "img.oci.tar"}).out, Catch::Contains("index.json"));
  CHECK_THAT(RunCommand({"tar", "-tf", e.tmp / "untagged.tar"}).out, Catch::Contains("index.json"));
  REQUIRE(e.Hoist({"rmi", "localhost/test/out:1"}).exit_code == 0);
  auto loaded = e.Hoist({"load", "-i", e.tmp / "img.oci.tar"});
  INFO(loaded.err);
  CHECK(loaded.exit_code == 0);
  auto bad = e.Hoist({"build", "--output", "tar:" + e.tmp / "x", ctx});
  CHECK(bad.exit_code == 2);
  CHECK(e.Hoist({"build", "--output", "oci-archive:-", ctx}).exit_code == 2);  // stdout carries the ID
}

TEST_CASE("build --output docker-archive writes a docker save tar that hoist load and skopeo read") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("dock", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nCOPY msg /msg\n"}, {"msg", "m\n"}});
  const std::string file = e.tmp / "img.docker.tar";
  e.Build(ctx, {"-t", "localhost/test/dock:1", "-t", "localhost/test/dock:2", "--output", "docker-archive:" + file});
  auto listing = RunCommand({"tar", "-xOf", file, "manifest.json"});
  REQUIRE(listing.exit_code == 0);
  auto manifest = nlohmann::json::parse(listing.out, nullptr, false);
  REQUIRE(manifest.is_array());
  REQUIRE(manifest.size() == 1);
  CHECK(manifest[0]["RepoTags"] == nlohmann::json::array({"localhost/test/dock:1"}));  // the first -t
  CHECK(manifest[0]["Layers"].size() == 2);  // the base's layer and COPY's

  auto inspect = RunCommand({"skopeo", "inspect", "docker-archive:" + file});
  INFO(inspect.err);
  REQUIRE(inspect.exit_code == 0);
  auto info = nlohmann::json::parse(inspect.out, nullptr, false);
  REQUIRE(!info.is_discarded());
  CHECK(info["Layers"].size() == 2);

  REQUIRE(e.Hoist({"rmi", "localhost/test/dock:1", "localhost/test/dock:2"}).exit_code == 0);
  auto loaded = e.Hoist({"load", "-i", file});
  INFO(loaded.err);
  REQUIRE(loaded.exit_code == 0);
  CHECK(e.Run("localhost/test/dock:1", "cat /msg") == "m\n");

  // FILE:REF names the image itself; without -t or REF it is saved unnamed.
  e.Build(ctx, {"-t", "localhost/test/dock:1", "--output", "docker-archive:" + e.tmp / "ref.tar:localhost/other:7"});
  auto named = nlohmann::json::parse(RunCommand({"tar", "-xOf", e.tmp / "ref.tar", "manifest.json"}).out, nullptr, false);
  CHECK(named[0]["RepoTags"] == nlohmann::json::array({"localhost/other:7"}));
  e.Build(ctx, {"--output", "docker-archive:" + e.tmp / "anon.tar"});
  auto anon = nlohmann::json::parse(RunCommand({"tar", "-xOf", e.tmp / "anon.tar", "manifest.json"}).out, nullptr, false);
  CHECK(anon[0]["RepoTags"].empty());
  CHECK(RunCommand({"skopeo", "inspect", "docker-archive:" + e.tmp / "anon.tar"}).exit_code == 0);
}

TEST_CASE("a pruned cache layer is rebuilt cleanly, never a broken image") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  auto ctx = e.Context("prune", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\nRUN echo one > /one\n"}});
  e.Build(ctx, {"-t", "localhost/test/prune:1"});
  REQUIRE(e.Hoist({"rmi", "localhost/test/prune:1"}).exit_code == 0);
  auto prune = e.Hoist({"prune", "--all"});
  INFO(prune.err);
  REQUIRE(prune.exit_code == 0);
  auto again = e.Build(ctx, {"-t", "localhost/test/prune:1"});
  CHECK(Count(again.err, " ---> CACHED") == 0);
  CHECK(e.Run("localhost/test/prune:1", "cat /one") == "one\n");
  CHECK(e.Hoist({"fsck"}).exit_code == 0);
}

TEST_CASE("FROM a registry image pulls it into the store, --push sends the result") {
  BuildEnv e;
  REQUIRE_BUSYBOX(e);
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  const std::string base = registry->host() + "/base/busybox:1";
  const std::string app = registry->host() + "/team/app:1";
  const std::vector<std::string> insecure = {"--insecure-registry", registry->host()};
  auto tag = e.Hoist({"tag", kBuildBase, base});
  REQUIRE(tag.exit_code == 0);
  std::vector<std::string> push = {"push", base};
  push.insert(push.end(), insecure.begin(), insecure.end());
  REQUIRE(e.Hoist(push).exit_code == 0);
  REQUIRE(e.Hoist({"rmi", base}).exit_code == 0);

  auto ctx = e.Context("reg", {{"Dockerfile", "FROM " + base + "\nRUN echo pushed > /p\n"}});
  std::vector<std::string> args = {"-t", app, "--push"};
  args.insert(args.end(), insecure.begin(), insecure.end());
  auto built = e.Build(ctx, args);
  CHECK(e.Hoist({"inspect", base}).exit_code == 0);  // pulled into the store by FROM
  REQUIRE(e.Hoist({"rmi", app}).exit_code == 0);
  std::vector<std::string> pull = {"pull", app};
  pull.insert(pull.end(), insecure.begin(), insecure.end());
  auto pulled = e.Hoist(pull);
  INFO(pulled.err);
  REQUIRE(pulled.exit_code == 0);
  CHECK(e.Run(app, "cat /p") == "pushed\n");
}
