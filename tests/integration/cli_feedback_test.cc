// What pull and push tell the user when they refuse or fail, against the real registry: a
// platform mismatch is refused naming both platforms, and an error is one line naming the image once
// (the raw detail under -v).

#include <algorithm>

#include <catch2/catch.hpp>

#include "core/descriptor.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "registry/client/repository.h"
#include "registry/http/curl_client.h"
#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "integration/transfer_test_support.h"

using namespace hoist;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::RunHoist;

namespace {

// A one-layer linux/amd64 image, pushed with the library.
void SeedAmd64Image(const Registry& reg, const std::string& repo_name, const std::string& tag) {
  registry::HttpClientOptions http;
  auto repo = registry::Repository::Open(std::make_shared<registry::CurlClient>(http), reg.url(), repo_name);
  REQUIRE(repo.ok());
  const std::string layer = "layer-bytes-" + repo_name;
  const std::string config =
      R"({"architecture":"amd64","os":"linux","config":{},)"
      R"("rootfs":{"type":"layers","diff_ids":["sha256:)" + Digest::Of(layer).hex() + R"("]}})";
  StringReader config_reader(config), layer_reader(layer);
  REQUIRE(repo->PutBlob(config_reader, Digest::Of(config), static_cast<int64_t>(config.size())).ok());
  REQUIRE(repo->PutBlob(layer_reader, Digest::Of(layer), static_cast<int64_t>(layer.size())).ok());
  Manifest m(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), config),
             {Descriptor::For(std::string(kOciLayerTar), layer)});
  REQUIRE(repo->PutManifest(m.raw(), kOciManifest, tag).ok());
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("pull --platform refuses a single-platform image of another platform, naming both, storing nothing") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  SeedAmd64Image(*registry, "team/amd", "1");
  hoist::testing::TempDir dir;
  const std::vector<std::string> env = {"HOIST_STORE=" + (dir / "store")};
  const std::string ref = registry->host() + "/team/amd:1";
  auto r = RunHoist({"pull", "--insecure-registry", registry->host(), "--platform", "linux/s390x", ref}, env);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("does not match the specified platform: wanted linux/s390x, actual: linux/amd64"));
  CHECK(Count(r.err, "\n") == 1);
  auto images = RunHoist({"images"}, env);
  CHECK(images.exit_code == 0);
  CHECK(images.out.find("team/amd") == std::string::npos);
  // Its own platform is pulled.
  auto ok = RunHoist({"pull", "--insecure-registry", registry->host(), "--platform", "linux/amd64", ref}, env);
  CHECK(ok.exit_code == 0);
}

TEST_CASE("a failed pull is one line naming the image once, the registry's raw answer shown with -v") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  hoist::testing::TempDir dir;
  const std::vector<std::string> env = {"HOIST_STORE=" + (dir / "store")};
  const std::string ref = registry->host() + "/team/none:1";
  auto r = RunHoist({"pull", "--insecure-registry", registry->host(), ref}, env);
  CHECK(r.exit_code == 3);
  CHECK(r.err == "hoist: pull " + ref + ": not found in the registry " + registry->host() + " (manifest unknown)\n");
  auto verbose = RunHoist({"-v", "pull", "--insecure-registry", registry->host(), ref}, env);
  CHECK(verbose.exit_code == 3);
  CHECK_THAT(verbose.err, Catch::Contains("MANIFEST_UNKNOWN") && Catch::Contains("404"));
  // push of an image the store lacks names it once too.
  auto push = RunHoist({"push", "--insecure-registry", registry->host(), ref}, env);
  CHECK(push.exit_code == 3);
  CHECK(Count(push.err, "team/none:1") == 1);
  CHECK_THAT(push.err, Catch::Contains("not in the store"));
}

TEST_CASE("a pull from a registry that cannot be reached says so in one line with exit code 6") {
  hoist::testing::TempDir dir;
  auto r = RunHoist({"pull", "127.0.0.1:1/team/app:1"}, {"HOIST_STORE=" + (dir / "store")});
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.err, Catch::StartsWith("hoist: pull 127.0.0.1:1/team/app:1: cannot reach the registry 127.0.0.1:1: "));
  CHECK(Count(r.err, "\n") == 1);
  CHECK(Count(r.err, "team/app") == 1);
}

TEST_CASE("pull --platform of an index without that platform names the platforms it has") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  hoist::testing::TempDir dir;
  transfer_test::Layout layout(dir / "src");
  Descriptor amd = layout.AddImage({1000}, "amd64", 7);
  Descriptor arm = layout.AddImage({1000}, "arm64", 8);
  layout.Name("multi", layout.AddIndex({{amd, "linux/amd64"}, {arm, "linux/arm64/v8"}}));
  transfer_test::Hoist hoist{dir / "store", {registry->host()}};
  const std::string ref = registry->host() + "/multi:1";
  hoist.Report({"copy", "oci:" + layout.dir() + ":multi", "docker://" + ref});
  auto r = hoist.Run({"pull", "--platform", "linux/s390x", ref});
  CHECK(r.exit_code == 3);
  CHECK(r.err == "hoist: pull " + ref + ": no image for platform linux/s390x in the index (it has: linux/amd64, "
                 "linux/arm64/v8)\n");
}
