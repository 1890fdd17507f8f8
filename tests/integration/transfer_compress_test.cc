// Uncompressed layers (a docker-archive's, or an image loaded from one) reach a registry gzip-
// compressed, as docker push and skopeo send them; the image still unpacks to the same diff_ids.

#include <catch2/catch.hpp>

#include "archive_test_support.h"
#include "transfer_test_support.h"

using namespace hoist::testing;
using hoist::transfer_test::DigestOf;
using hoist::transfer_test::Hoist;

namespace {

// What skopeo copied out of the registry: the manifest, and each layer's uncompressed sha256.
struct Fetched {
  nlohmann::json manifest;
  std::vector<std::string> uncompressed;
  std::vector<std::string> diff_ids;
};

Fetched FetchWithSkopeo(const TempDir& dir, const std::string& image, const std::string& name) {
  std::string out = dir / name;
  auto copy = RunCommand({"skopeo", "copy", "--src-tls-verify=false", "docker://" + image, "oci:" + out + ":x"});
  INFO(copy.err);
  REQUIRE(copy.exit_code == 0);  // skopeo checks every blob digest on the way
  Fetched f;
  f.manifest = LayoutManifest(out);
  std::string config = f.manifest["config"]["digest"];
  auto config_json = ReadJson(out + "/blobs/sha256/" + config.substr(7));
  for (const auto& d : config_json["rootfs"]["diff_ids"]) f.diff_ids.push_back(d);
  for (const auto& l : f.manifest["layers"]) {
    std::string digest = l["digest"];
    auto sum = Sh("gzip -dc " + out + "/blobs/sha256/" + digest.substr(7) + " | sha256sum | cut -c1-64");
    REQUIRE(sum.exit_code == 0);
    f.uncompressed.push_back("sha256:" + sum.out.substr(0, 64));
  }
  return f;
}

}  // namespace

TEST_CASE("a docker-archive copied to a registry arrives with gzip layers that unpack to its diff_ids") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  ImportImage(dir, "example.com/compress/a:1", "a");
  REQUIRE(RunHoist({"save", "-o", dir / "a.tar", "example.com/compress/a:1"}, StoreEnv(dir)).exit_code == 0);
  Hoist hoist{dir / "store", {registry->host()}};
  const std::string dst = registry->host() + "/compress/a:1";

  auto copied = hoist.Report({"copy", "docker-archive:" + dir / "a.tar", "docker://" + dst});
  CHECK(copied["copied"] == 2);  // the config and the compressed layer
  auto f = FetchWithSkopeo(dir, dst, "fetched");
  REQUIRE(f.manifest["layers"].size() == 1);
  CHECK_THAT(f.manifest["layers"][0]["mediaType"].get<std::string>(),
             Catch::Equals("application/vnd.oci.image.layer.v1.tar+gzip") ||
                 Catch::Equals("application/vnd.docker.image.rootfs.diff.tar.gzip"));
  REQUIRE(f.diff_ids.size() == 1);
  CHECK(f.uncompressed == f.diff_ids);
  CHECK(f.manifest["layers"][0]["digest"] != f.diff_ids[0]);

  // The same archive again: the same compressed bytes, so nothing moves.
  auto again = hoist.Report({"copy", "docker-archive:" + dir / "a.tar", "docker://" + dst});
  CHECK(again["bytes"] == 0);
  CHECK(DigestOf(again) == DigestOf(copied));

  // Loaded into a store (layers stay uncompressed there), then pushed: the same image in the registry.
  TempDir other;
  auto load = RunHoist({"load", "-i", dir / "a.tar"}, StoreEnv(other));
  INFO(load.err);
  REQUIRE(load.exit_code == 0);
  Hoist loaded{other / "store", {registry->host()}};
  auto pushed = loaded.Report({"push", "example.com/compress/a:1", "docker://" + registry->host() + "/compress/b:1"});
  CHECK(DigestOf(pushed) == DigestOf(copied));
}

TEST_CASE("compressed layers are only for registries: oci: and the store keep the archive's layers") {
  TempDir dir;
  ImportImage(dir, "example.com/compress/c:1", "c");
  REQUIRE(RunHoist({"save", "-o", dir / "c.tar", "example.com/compress/c:1"}, StoreEnv(dir)).exit_code == 0);
  Hoist hoist{dir / "store", {}};
  hoist.Report({"copy", "docker-archive:" + dir / "c.tar", "oci:" + dir / "layout:c"});
  auto m = LayoutManifest(dir / "layout");
  REQUIRE(m["layers"].size() == 1);
  CHECK_THAT(m["layers"][0]["mediaType"].get<std::string>(),
             Catch::Equals("application/vnd.oci.image.layer.v1.tar") ||
                 Catch::Equals("application/vnd.docker.image.rootfs.diff.tar"));
}

TEST_CASE("a corrupt layer in a docker-archive fails before anything reaches the registry") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  ImportImage(dir, "example.com/compress/d:1", "d");
  REQUIRE(RunHoist({"save", "-o", dir / "d.tar", "example.com/compress/d:1"}, StoreEnv(dir)).exit_code == 0);
  // Flip one byte inside the layer's file data (the big random file), keeping the tar valid.
  auto flip = Sh("python3 - " + dir / "d.tar" + R"( <<'PY'
import sys, tarfile
path = sys.argv[1]
with tarfile.open(path) as t:
    m = max((m for m in t.getmembers() if m.isfile()), key=lambda m: m.size)
    off = m.offset_data + m.size // 2
with open(path, "r+b") as f:
    f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ 0xff]))
PY)");
  REQUIRE(flip.exit_code == 0);
  Hoist hoist{dir / "store", {registry->host()}};
  auto r = hoist.Run({"copy", "docker-archive:" + dir / "d.tar", "docker://" + registry->host() + "/compress/d:1"});
  CHECK(r.exit_code != 0);
  auto tags = hoist.Run({"tags", "docker://" + registry->host() + "/compress/d"});
  CHECK(tags.out.find("1") == std::string::npos);
}
