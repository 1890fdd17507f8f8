// --compress, --compression-level and --force-compression where they reach beyond copy and push:
// append and flatten (the image's other layers), save (an oci-archive; a docker archive refuses) and
// build (--output oci-archive, --push). skopeo reads each result.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "archive_test_support.h"
#include "transfer_test_support.h"

using namespace hoist::testing;
using hoist::transfer_test::Hoist;

namespace {

constexpr const char* kZstdLayer = "application/vnd.oci.image.layer.v1.tar+zstd";
constexpr const char* kGzipLayer = "application/vnd.oci.image.layer.v1.tar+gzip";

nlohmann::json SkopeoRawManifest(const std::string& where) {
  auto r = RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false", where});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

std::vector<std::string> LayerTypes(const nlohmann::json& manifest) {
  std::vector<std::string> types;
  for (const auto& l : manifest["layers"]) types.push_back(l["mediaType"]);
  return types;
}

// The config's diff_ids as skopeo reads them.
nlohmann::json DiffIds(const std::string& where) {
  auto r = RunCommand({"skopeo", "inspect", "--config", "--tls-verify=false", where});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out)["rootfs"]["diff_ids"];
}

}  // namespace

TEST_CASE("append and flatten --force-compression recompress the image's other layers into --compress's format") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  ImportImage(dir, "example.com/c/a:1", "a");
  REQUIRE(Sh("mkdir -p " + dir / "tree && echo hi > " + dir / "tree/motd").exit_code == 0);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string repo = "docker://" + registry->host() + "/compress/";
  auto kept = hoist.Run({"--format", "oci", "append", "example.com/c/a:1", "--layer", dir / "tree", "--compress",
                         "zstd", "-t", repo + "kept:1"});
  INFO(kept.err);
  REQUIRE(kept.exit_code == 0);
  CHECK(LayerTypes(SkopeoRawManifest(repo + "kept:1")) == std::vector<std::string>{kGzipLayer, kZstdLayer});

  auto forced = hoist.Run({"--format", "oci", "append", "example.com/c/a:1", "--layer", dir / "tree", "--compress",
                           "zstd", "--compression-level", "5", "--force-compression", "-t", repo + "forced:1"});
  INFO(forced.err);
  REQUIRE(forced.exit_code == 0);
  CHECK(LayerTypes(SkopeoRawManifest(repo + "forced:1")) == std::vector<std::string>{kZstdLayer, kZstdLayer});
  CHECK(DiffIds(repo + "forced:1") == DiffIds(repo + "kept:1"));  // only the compression differs

  auto flat = hoist.Run({"flatten", "example.com/c/a:1", "--compress", "zstd", "--force-compression", "-t",
                         "oci:" + (dir / "flat") + ":f"});
  INFO(flat.err);
  REQUIRE(flat.exit_code == 0);
  CHECK(LayerTypes(SkopeoRawManifest("oci:" + (dir / "flat") + ":f")) == std::vector<std::string>{kZstdLayer});
  // Without --compress a level is gzip's (the new layers' default): 12 is out of its range.
  CHECK(hoist.Run({"flatten", "example.com/c/a:1", "--compression-level", "12", "-t", "oci:" + (dir / "x") + ":x"})
            .exit_code == 2);
}

TEST_CASE("save --compress writes an oci-archive with recompressed layers and refuses it for a docker archive") {
  TempDir dir;
  ImportImage(dir, "example.com/c/s:1", "s");
  const std::string tar = dir / "s.tar";
  auto saved = RunHoist({"save", "--format", "oci-archive", "--compress", "zstd", "--force-compression", "-o", tar,
                         "example.com/c/s:1"},
                        StoreEnv(dir));
  INFO(saved.err);
  REQUIRE(saved.exit_code == 0);
  CHECK(LayerTypes(SkopeoRawManifest("oci-archive:" + tar)) == std::vector<std::string>{kZstdLayer});
  auto plain = RunHoist({"save", "--format", "oci-archive", "-o", dir / "p.tar", "example.com/c/s:1"}, StoreEnv(dir));
  REQUIRE(plain.exit_code == 0);
  CHECK(DiffIds("oci-archive:" + tar) == DiffIds("oci-archive:" + (dir / "p.tar")));
  // The same input and level give the same archive's manifest.
  REQUIRE(RunHoist({"save", "--format", "oci-archive", "--compress", "zstd", "--force-compression", "-o",
                    dir / "again.tar", "example.com/c/s:1"},
                   StoreEnv(dir))
              .exit_code == 0);
  CHECK(SkopeoRawManifest("oci-archive:" + (dir / "again.tar")) == SkopeoRawManifest("oci-archive:" + tar));

  auto docker = RunHoist({"save", "--compress", "gzip", "-o", dir / "d.tar", "example.com/c/s:1"}, StoreEnv(dir));
  CHECK(docker.exit_code == 2);
  CHECK_THAT(docker.err, Catch::Contains("a docker archive holds uncompressed layers"));
  CHECK(RunCommand({"test", "-e", dir / "d.tar"}).exit_code != 0);
}

TEST_CASE("build --compress zstd compresses the layers of --output oci-archive and is refused with nothing to apply to") {
  TempDir dir;
  REQUIRE(Sh("mkdir -p " + dir / "ctx && printf 'FROM scratch\\nCOPY msg /msg\\n' > " + dir / "ctx/Dockerfile" +
             " && echo m > " + dir / "ctx/msg")
              .exit_code == 0);
  const std::string tar = dir / "b.tar";
  auto built = RunHoist({"build", "-q", "-t", "example.com/c/b:1", "--output", "oci-archive:" + tar, "--compress",
                         "zstd", "--force-compression", dir / "ctx"},
                        StoreEnv(dir));
  INFO(built.err);
  REQUIRE(built.exit_code == 0);
  CHECK(LayerTypes(SkopeoRawManifest("oci-archive:" + tar)) == std::vector<std::string>{kZstdLayer});
  auto nowhere = RunHoist({"build", "-q", "--compress", "zstd", dir / "ctx"}, StoreEnv(dir));
  CHECK(nowhere.exit_code == 2);
  CHECK_THAT(nowhere.err, Catch::Contains("--compress applies to --push and --output oci-archive"));
}
