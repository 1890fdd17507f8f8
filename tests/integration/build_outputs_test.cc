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
  CHECK(e.Hoist({"build", "--output", "docker-archive:" + e.tmp / "x", ctx}).exit_code == 2);
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
