// hoist's archives and skopeo's, both ways: skopeo (Debian) reads what hoist saves, hoist loads
// what skopeo writes, and load → save → load keeps the image.

#include <catch2/catch.hpp>

#include "archive_test_support.h"

using namespace hoist::testing;

namespace {

std::vector<std::string> DiffIds(const TempDir& dir, const nlohmann::json& manifest, const std::string& layout) {
  std::string config = manifest["config"]["digest"];
  auto c = ReadJson(layout + "/blobs/sha256/" + config.substr(7));
  std::vector<std::string> out;
  for (const auto& d : c["rootfs"]["diff_ids"]) out.push_back(d);
  (void)dir;
  return out;
}

}  // namespace

TEST_CASE("skopeo reads hoist's docker-archive: the image keeps its diff_ids") {
  TempDir dir;
  ImportImage(dir, "example.com/interop/a:1", "a");
  auto save = RunHoist({"save", "-o", dir / "a.tar", "example.com/interop/a:1"}, StoreEnv(dir));
  INFO(save.err);
  REQUIRE(save.exit_code == 0);
  // skopeo verifies every layer of the archive against the config's diff_ids while it copies.
  auto copy = RunCommand({"skopeo", "copy", "docker-archive:" + dir / "a.tar", "oci:" + dir / "out:x"});
  INFO(copy.err);
  REQUIRE(copy.exit_code == 0);
  auto stored = StoreManifest(dir, "example.com/interop/a:1");
  auto out = LayoutManifest(dir / "out");
  CHECK(DiffIds(dir, out, dir / "out") == DiffIds(dir, stored, dir / "store"));
  CHECK(LayerDigests(out).size() == 1);
  // The archive's layers are the uncompressed tars: their digests are the diff_ids.
  auto listed = Sh("tar -tf " + dir / "a.tar");
  for (const auto& d : DiffIds(dir, stored, dir / "store")) {
    CHECK_THAT(listed.out, Catch::Contains("blobs/sha256/" + d.substr(7)));
  }
}

TEST_CASE("skopeo reads hoist's oci-archive: the manifest digest survives") {
  TempDir dir;
  ImportImage(dir, "example.com/interop/b:1", "b");
  auto save = RunHoist({"save", "--format", "oci-archive", "-o", dir / "b.tar", "example.com/interop/b:1"},
                       StoreEnv(dir));
  INFO(save.err);
  REQUIRE(save.exit_code == 0);
  auto copy = RunCommand({"skopeo", "copy", "oci-archive:" + dir / "b.tar", "oci:" + dir / "out:x"});
  INFO(copy.err);
  REQUIRE(copy.exit_code == 0);
  std::string stored_digest, out_digest;
  StoreManifest(dir, "example.com/interop/b:1", &stored_digest);
  LayoutManifest(dir / "out", &out_digest);
  CHECK(out_digest == stored_digest);
}

TEST_CASE("hoist loads skopeo's docker-archive and oci-archive") {
  TempDir dir;
  ImportImage(dir, "example.com/interop/c:1", "c");
  std::string src = "oci:" + dir / "store:example.com/interop/c:1";
  REQUIRE(RunCommand({"skopeo", "copy", src, "docker-archive:" + dir / "c-docker.tar:example.com/interop/c:docker"})
              .exit_code == 0);
  REQUIRE(RunCommand({"skopeo", "copy", src, "oci-archive:" + dir / "c-oci.tar:example.com/interop/c:oci"}).exit_code ==
          0);
  TempDir other;
  auto l1 = RunHoist({"load", "-i", dir / "c-docker.tar"}, StoreEnv(other));
  INFO(l1.err);
  REQUIRE(l1.exit_code == 0);
  CHECK(l1.out == "Loaded image: example.com/interop/c:docker\n");
  auto l2 = RunHoist({"load", "-i", dir / "c-oci.tar"}, StoreEnv(other));
  INFO(l2.err);
  REQUIRE(l2.exit_code == 0);
  CHECK(l2.out == "Loaded image: example.com/interop/c:oci\n");

  std::string source_digest, oci_digest;
  auto source = StoreManifest(dir, "example.com/interop/c:1", &source_digest);
  StoreManifest(other, "example.com/interop/c:oci", &oci_digest);
  CHECK(oci_digest == source_digest);  // an oci-archive keeps the manifest as it is
  auto from_docker = StoreManifest(other, "example.com/interop/c:docker");
  CHECK(LayerDigests(from_docker) == DiffIds(dir, source, dir / "store"));
  CHECK(from_docker["config"]["digest"] == source["config"]["digest"]);
}

TEST_CASE("load, save, load gives the same image and layer digests") {
  TempDir dir;
  ImportImage(dir, "example.com/interop/d:1", "d");
  std::string src = "oci:" + dir / "store:example.com/interop/d:1";
  REQUIRE(RunCommand({"skopeo", "copy", src, "docker-archive:" + dir / "d.tar:example.com/interop/d:1"}).exit_code == 0);
  TempDir first, second;
  REQUIRE(RunHoist({"load", "-i", dir / "d.tar"}, StoreEnv(first)).exit_code == 0);
  for (const char* format : {"docker-archive", "oci-archive"}) {
    INFO(format);
    std::string archive = first / (std::string(format) + ".tar");
    auto save = RunHoist({"save", "--format", format, "-o", archive, "example.com/interop/d:1"}, StoreEnv(first));
    INFO(save.err);
    REQUIRE(save.exit_code == 0);
    auto load = RunHoist({"load", "-i", archive}, StoreEnv(second));
    INFO(load.err);
    REQUIRE(load.exit_code == 0);
    std::string d1, d2;
    auto m1 = StoreManifest(first, "example.com/interop/d:1", &d1);
    auto m2 = StoreManifest(second, "example.com/interop/d:1", &d2);
    CHECK(d1 == d2);
    CHECK(m1["config"]["digest"] == m2["config"]["digest"]);
    CHECK(LayerDigests(m1) == LayerDigests(m2));
  }
}
