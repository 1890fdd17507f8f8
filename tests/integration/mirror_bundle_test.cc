// Air-gap bundles between real registries: run → bundle → import gives the same digests as a
// direct run (signatures included), split volumes import too, --since carries only new blobs, and
// a tampered blob is refused with nothing tagged.

#include <filesystem>

#include <catch2/catch.hpp>

#include "mirror_test_support.h"

using namespace hoist;
using namespace hoist::mirror_test;
using hoist::testing::RegistryVariant;
using hoist::testing::RunCommand;
using hoist::testing::TempDir;

namespace {

size_t BlobFiles(const std::string& bundle) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(bundle + "/blobs/sha256")) n += e.is_regular_file();
  return n;
}

std::string AllTagsConfig(const std::string& a, bool multi = false) {
  return a + ":\n  tls-verify: false\n  images:\n    app0: []\n    app1: []\n" + (multi ? "    multi: []\n" : "");
}

}  // namespace

TEST_CASE("mirror bundle: run to B and bundle → import into C give identical digests, signatures included") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(b, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(c, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host(), b->host(), c->host()});
  Populate(up);
  testing::WriteFile(dir / "sync.yaml", AllTagsConfig(a->host(), true));

  auto direct = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", "docker://" + b->host() + "/m"});
  auto want = Outcomes(direct, "copied");
  REQUIRE(want.size() == 7);
  auto exported = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", "dir:" + (dir / "bundle"), "--split", "16k"});
  CHECK(Outcomes(exported, "copied") == want);
  CHECK(std::filesystem::exists(dir / "bundle.tar.002"));
  // sha256sum reads the checksum file as it is.
  auto sums = RunCommand({"sh", "-c", "cd '" + (dir / "bundle") + "' && sha256sum -c --quiet SHA256SUMS"});
  CHECK(sums.exit_code == 0);

  // From the directory into C, and from the volumes into another prefix of C.
  auto imported = up.hoist.Report({"mirror", "import", dir / "bundle", "--to", "docker://" + c->host() + "/m"});
  CHECK(Outcomes(imported, "copied") == want);
  auto from_volumes = up.hoist.Report({"mirror", "import", dir / "bundle.tar.001", "--to", "docker://" + c->host() + "/v"});
  CHECK(Outcomes(from_volumes, "copied") == want);
  for (const auto& [name, digest] : want) {
    INFO(name);
    CHECK(RemoteDigest(b->host(), "m/" + name) == digest);
    CHECK(RemoteDigest(c->host(), "m/" + name) == digest);
    CHECK(RemoteDigest(c->host(), "v/" + name) == digest);
  }
  CHECK(RemoteDigest(c->host(), "m/app0:" + up.signature_tag) == up.signature_digest);
  // A plan against C finds everything up to date (names and signature tags alike).
  auto plan = up.hoist.Report({"mirror", "plan", dir / "sync.yaml", "--to", "docker://" + c->host() + "/m"});
  CHECK(Outcomes(plan, "up-to-date") == want);
  // Importing again sends nothing.
  auto again = up.hoist.Report({"mirror", "import", dir / "bundle", "--to", "docker://" + c->host() + "/m"});
  CHECK(Outcomes(again, "up-to-date") == want);
}

TEST_CASE("mirror bundle: --since holds only the new images' blobs, a tampered blob is refused, nothing tagged") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(c, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host(), c->host()});
  for (const char* name : {"app0:1.0.0", "app0:1.1.0", "app1:1.0.0"}) up.AddImage(name);
  testing::WriteFile(dir / "sync.yaml", AllTagsConfig(a->host()));
  const std::string to = "docker://" + c->host() + "/site";
  up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", "dir:" + (dir / "first")});
  up.hoist.Report({"mirror", "import", dir / "first", "--to", to});

  // Two new tags upstream: the incremental bundle carries their manifests, configs and layers only.
  up.AddImage("app0:1.2.0");
  up.AddImage("app1:2.0.0");
  auto second = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", "dir:" + (dir / "second"), "--since",
                                 dir / "first/hoist-catalog.json"});
  CHECK(Outcomes(second, "copied") == std::map<std::string, std::string>{{"app0:1.2.0", up.digests["app0:1.2.0"]},
                                                                         {"app1:2.0.0", up.digests["app1:2.0.0"]}});
  CHECK(second["up_to_date"] == 3);
  CHECK(BlobFiles(dir / "second") == 2 * 4);  // 2 layers + config + manifest each

  // A tampered copy of it is refused before anything is pushed.
  std::filesystem::copy(dir / "second", dir / "tampered", std::filesystem::copy_options::recursive);
  std::string layer;
  for (const auto& e : std::filesystem::directory_iterator(dir / "tampered/blobs/sha256")) {
    if (std::filesystem::file_size(e.path()) == 600) layer = e.path();
  }
  REQUIRE_FALSE(layer.empty());
  testing::WriteFile(layer, std::string(600, 'x'));
  auto refused = up.hoist.Run({"mirror", "import", dir / "tampered", "--to", to});
  CHECK(refused.exit_code == 5);
  CHECK_THAT(refused.err, Catch::Contains("tampered") || Catch::Contains("does not match"));
  CHECK(RemoteDigest(c->host(), "site/app0:1.2.0").empty());
  CHECK(RemoteDigest(c->host(), "site/app1:2.0.0").empty());

  // The genuine incremental bundle completes the site.
  auto imported = up.hoist.Report({"mirror", "import", dir / "second", "--to", to});
  CHECK(imported["copied"] == 2);
  auto plan = up.hoist.Report({"mirror", "plan", dir / "sync.yaml", "--to", to});
  CHECK(plan["up_to_date"] == 5);
  CHECK(plan["planned"] == 0);
}

TEST_CASE("mirror import refuses an incremental bundle whose earlier part is missing, tagging nothing") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(c, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host(), c->host()});
  up.AddImage("app0:1.0.0");
  testing::WriteFile(dir / "sync.yaml", a->host() + ":\n  images:\n    app0: []\n");
  up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", "dir:" + (dir / "first")});
  testing::WriteFile(dir / "sync.yaml", a->host() + ":\n  images:\n    app0: []\n    app1: []\n");
  // Same layers under a new tag: the --since bundle carries only its manifest.
  auto r = up.hoist.Run({"copy", "docker://" + a->host() + "/app0:1.0.0", "docker://" + a->host() + "/app1:1.0.0"});
  REQUIRE(r.exit_code == 0);
  up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", "dir:" + (dir / "second"), "--since",
                   dir / "first/hoist-catalog.json"});
  auto refused = up.hoist.Run({"mirror", "import", dir / "second", "--to", "docker://" + c->host()});
  CHECK(refused.exit_code == 3);
  CHECK_THAT(refused.err, Catch::Contains("import the earlier bundle first"));
  CHECK(RemoteDigest(c->host(), "app1:1.0.0").empty());
}
