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
  // The manifest made for a docker archive has OCI media types: skopeo and umoci read it in the store.
  CHECK(from_docker["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  auto read = RunCommand({"skopeo", "inspect", "oci:" + other / "store:example.com/interop/c:docker"});
  INFO(read.err);
  CHECK(read.exit_code == 0);
  auto unpacked = RunCommand({"umoci", "unpack", "--rootless", "--image", other / "store:example.com/interop/c:docker",
                              other / "bundle"});
  INFO(unpacked.err);
  CHECK(unpacked.exit_code == 0);
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

namespace {

// The ref.name of each index.json entry of an OCI layout directory ("" for an unnamed entry).
std::vector<std::string> RefNames(const std::string& layout) {
  std::vector<std::string> out;
  const auto index = ReadJson(layout + "/index.json");  // held: a range-for over a temporary's member dangles
  for (const auto& m : index["manifests"]) {
    out.push_back(m.contains("annotations") ? m["annotations"].value("org.opencontainers.image.ref.name", "") : "");
  }
  return out;
}

std::vector<std::string> ArchiveRefNames(const TempDir& dir, const std::string& archive) {
  std::string out = dir / ("unpacked-" + std::to_string(std::hash<std::string>()(archive)));
  REQUIRE(Sh("mkdir -p " + out + " && tar -C " + out + " -xf " + archive).exit_code == 0);
  return RefNames(out);
}

void RequireRun(const CommandResult& r) {
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("oci-archive and oci REFs are ref.names both ways with skopeo, with and without REF") {
  TempDir dir;
  ImportImage(dir, "example.com/interop/e:1", "e");
  std::string source_digest;
  StoreManifest(dir, "example.com/interop/e:1", &source_digest);
  auto digest_of_layout = [&](const std::string& layout) {
    std::string d;
    LayoutManifest(layout, &d);
    return d;
  };
  SECTION("hoist writes, skopeo and hoist read: oci-archive:FILE:v1 is named v1") {
    RequireRun(RunHoist({"copy", "example.com/interop/e:1", "oci-archive:" + dir / "t.tar:v1"}, StoreEnv(dir)));
    CHECK(ArchiveRefNames(dir, dir / "t.tar") == std::vector<std::string>{"v1"});
    RequireRun(RunCommand({"skopeo", "copy", "oci-archive:" + dir / "t.tar:v1", "oci:" + dir / "s:x"}));
    CHECK(digest_of_layout(dir / "s") == source_digest);
    RequireRun(RunHoist({"copy", "oci-archive:" + dir / "t.tar:v1", "oci:" + dir / "h:y"}, StoreEnv(dir)));
    CHECK(digest_of_layout(dir / "h") == source_digest);
    // hoist load names it as podman does: the bare word is the repository.
    TempDir other;
    auto load = RunHoist({"load", "-i", dir / "t.tar"}, StoreEnv(other));
    INFO(load.err);
    CHECK(load.out == "Loaded image: v1:latest\n");
  }
  SECTION("hoist writes oci-archive:FILE without REF: one unnamed entry skopeo reads") {
    RequireRun(RunHoist({"copy", "example.com/interop/e:1", "oci-archive:" + dir / "u.tar"}, StoreEnv(dir)));
    CHECK(ArchiveRefNames(dir, dir / "u.tar") == std::vector<std::string>{""});
    RequireRun(RunCommand({"skopeo", "copy", "oci-archive:" + dir / "u.tar", "oci:" + dir / "s:x"}));
    CHECK(digest_of_layout(dir / "s") == source_digest);
  }
  SECTION("skopeo writes oci-archive with and without REF, hoist reads and loads them") {
    std::string src = "oci:" + dir / "store:example.com/interop/e:1";
    RequireRun(RunCommand({"skopeo", "copy", src, "oci-archive:" + dir / "s.tar:single"}));
    RequireRun(RunCommand({"skopeo", "copy", src, "oci-archive:" + dir / "n.tar"}));
    RequireRun(RunHoist({"copy", "oci-archive:" + dir / "s.tar:single", "oci:" + dir / "a:x"}, StoreEnv(dir)));
    RequireRun(RunHoist({"copy", "oci-archive:" + dir / "n.tar", "oci:" + dir / "b:x"}, StoreEnv(dir)));
    CHECK(digest_of_layout(dir / "a") == source_digest);
    CHECK(digest_of_layout(dir / "b") == source_digest);
    TempDir other;
    auto load = RunHoist({"load", "-i", dir / "s.tar"}, StoreEnv(other));
    INFO(load.err);
    CHECK(load.out == "Loaded image: single:latest\n");
    std::string loaded;
    StoreManifest(other, "docker.io/library/single:latest", &loaded);
    CHECK(loaded == source_digest);
  }
  SECTION("oci:DIR:REF both ways, and by digest with no REF an unnamed entry") {
    RequireRun(RunHoist({"copy", "example.com/interop/e:1", "oci:" + dir / "l:v1"}, StoreEnv(dir)));
    CHECK(RefNames(dir / "l") == std::vector<std::string>{"v1"});
    RequireRun(RunCommand({"skopeo", "copy", "oci:" + dir / "l:v1", "oci:" + dir / "s:single"}));
    RequireRun(RunHoist({"copy", "oci:" + dir / "s:single", "oci:" + dir / "h:z"}, StoreEnv(dir)));
    CHECK(digest_of_layout(dir / "h") == source_digest);
    RequireRun(RunCommand({"skopeo", "copy", "oci:" + dir / "l:v1", "oci:" + dir / "n"}));
    CHECK(RefNames(dir / "n") == std::vector<std::string>{""});
    RequireRun(RunHoist({"copy", "oci:" + dir / "n", "oci:" + dir / "h2:z"}, StoreEnv(dir)));
    RequireRun(RunHoist({"copy", "example.com/interop/e@" + source_digest, "oci:" + dir / "d"}, StoreEnv(dir)));
    CHECK(RefNames(dir / "d") == std::vector<std::string>{""});
    RequireRun(RunCommand({"skopeo", "copy", "oci:" + dir / "d", "oci:" + dir / "s2:x"}));
    CHECK(digest_of_layout(dir / "s2") == source_digest);
    // The store's own full names are found from a bare REF.
    RequireRun(RunHoist({"copy", "oci:" + dir / "store:example.com/interop/e:1", "oci:" + dir / "f:1"}, StoreEnv(dir)));
  }
}

TEST_CASE("copy writes docker-archive:FILE:REF that skopeo reads, and reads docker-archive:FILE:@N") {
  TempDir dir;
  ImportImage(dir, "example.com/interop/g:1", "g");
  ImportImage(dir, "example.com/interop/h:1", "h");
  RequireRun(RunHoist({"copy", "example.com/interop/g:1", "docker-archive:" + dir / "g.tar:app:1"}, StoreEnv(dir)));
  RequireRun(RunCommand({"skopeo", "copy", "docker-archive:" + dir / "g.tar", "oci:" + dir / "out:x"}));
  auto stored = StoreManifest(dir, "example.com/interop/g:1");
  auto out = LayoutManifest(dir / "out");
  CHECK(DiffIds(dir, out, dir / "out") == DiffIds(dir, stored, dir / "store"));
  TempDir other;
  auto load = RunHoist({"load", "-i", dir / "g.tar"}, StoreEnv(other));
  INFO(load.err);
  CHECK(load.out == "Loaded image: app:1\n");
  // Two images in one archive (hoist save), the second read by number as skopeo does.
  RequireRun(RunHoist({"save", "-o", dir / "two.tar", "example.com/interop/g:1", "example.com/interop/h:1"},
                      StoreEnv(dir)));
  RequireRun(RunHoist({"copy", "docker-archive:" + dir / "two.tar:@1", "oci:" + dir / "second:x"}, StoreEnv(dir)));
  auto second = LayoutManifest(dir / "second");
  CHECK(second["config"]["digest"] == StoreManifest(dir, "example.com/interop/h:1")["config"]["digest"]);
}

TEST_CASE("copy --additional-tag gives a docker-archive image more names that skopeo and load read") {
  TempDir dir;
  ImportImage(dir, "example.com/interop/t:1", "t");
  RequireRun(RunHoist({"copy", "--additional-tag", "extra", "--additional-tag", "reg.example/a/b:2",
                       "example.com/interop/t:1", "docker-archive:" + dir / "t.tar:app:1"},
                      StoreEnv(dir)));
  for (const std::string name : {"docker.io/library/app:1", "docker.io/library/extra:latest", "reg.example/a/b:2"}) {
    INFO(name);
    RequireRun(RunCommand({"skopeo", "inspect", "docker-archive:" + dir / "t.tar:" + name}));
  }
  TempDir other;
  auto load = RunHoist({"load", "-i", dir / "t.tar"}, StoreEnv(other));
  INFO(load.err);
  CHECK(load.out == "Loaded image: app:1\nLoaded image: extra:latest\nLoaded image: reg.example/a/b:2\n");
  // Only a docker-archive holds more names; a digest is not a name.
  auto oci = RunHoist({"copy", "--additional-tag", "x", "example.com/interop/t:1", "oci:" + dir / "l"}, StoreEnv(dir));
  CHECK(oci.exit_code == 2);
  CHECK(oci.err.find("docker-archive") != std::string::npos);
  auto digest = RunHoist({"copy", "--additional-tag", "x@sha256:" + std::string(64, 'a'), "example.com/interop/t:1",
                          "docker-archive:" + dir / "u.tar"},
                         StoreEnv(dir));
  CHECK(digest.exit_code == 2);
  CHECK(!std::filesystem::exists(dir / "u.tar"));
}
