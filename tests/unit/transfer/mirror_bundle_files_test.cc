// The bundle's own files: catalog round trip, SHA256SUMS catching a changed or extra file, and
// tar volumes that unpack to the same tree.

#include <filesystem>

#include <catch2/catch.hpp>

#include "core/fs.h"
#include "support/temp_dir.h"
#include "transfer/mirror/bundle_split.h"
#include "transfer/mirror/catalog.h"
#include "transfer/mirror/checksums.h"

using namespace hoist;
using namespace hoist::transfer::mirror;
using hoist::testing::TempDir;

namespace {

// A small bundle-shaped tree: two blobs, index.json, catalog.
void MakeTree(const std::string& dir) {
  std::filesystem::create_directories(dir + "/blobs/sha256");
  std::filesystem::create_directories(dir + "/.hoist/partial");
  for (const std::string& content : {std::string("layer one"), std::string(70000, 'z')}) {
    testing::WriteFile(dir + "/blobs/sha256/" + Digest::Of(content).hex(), content);
  }
  testing::WriteFile(dir + "/index.json", R"({"schemaVersion":2,"manifests":[]})");
  testing::WriteFile(dir + "/.hoist/partial/junk", "not part of the bundle");
  Catalog c;
  CatalogImage im;
  im.name = "library/alpine:3.19";
  im.repository = "library/alpine";
  im.tag = "3.19";
  im.source = "docker://docker.io/library/alpine:3.19";
  im.top = Descriptor::For("application/vnd.oci.image.manifest.v1+json", "{}");
  im.manifests.push_back({im.top, "3.19"});
  im.blobs.push_back(Descriptor::For("application/octet-stream", "layer one"));
  c.images.push_back(im);
  c.known_images["old:1"] = im.top.digest.str();
  c.known_blobs.insert(Digest::Of("old").str());
  testing::WriteFile(dir + "/" + kCatalogFile, CatalogToJson(c));
}

}  // namespace

TEST_CASE("a catalog reads back as written, and --since sees everything carried so far") {
  TempDir dir;
  MakeTree(dir.path());
  auto c = LoadCatalog(dir / kCatalogFile);
  REQUIRE(c.ok());
  REQUIRE(c->images.size() == 1);
  CHECK(c->images[0].name == "library/alpine:3.19");
  CHECK(c->images[0].manifests[0].tag == "3.19");
  CHECK(c->AllImages().size() == 2);
  CHECK(c->AllBlobs().size() == 2);
  CHECK_FALSE(ParseCatalog("{}").ok());
  CHECK_FALSE(ParseCatalog(R"({"hoistBundle":1,"images":[{"name":"a:1","repository":"a","top":{}}]})").ok());
}

TEST_CASE("SHA256SUMS catches a changed blob, a changed file and an extra file") {
  TempDir dir;
  MakeTree(dir.path());
  REQUIRE(WriteChecksums(dir.path()).ok());
  CHECK(VerifyChecksums(dir.path()).ok());
  auto sums = ReadFileToString(dir / kChecksumFile, 1 << 20);
  REQUIRE(sums.ok());
  CHECK(sums->find(".hoist") == std::string::npos);

  SECTION("blob") {
    testing::WriteFile(dir / ("blobs/sha256/" + Digest::Of("layer one").hex()), "layer 0ne");
    auto st = VerifyChecksums(dir.path());
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code() == ErrorCode::kDigestMismatch);
  }
  SECTION("index.json") {
    testing::WriteFile(dir / "index.json", "{}");
    CHECK(VerifyChecksums(dir.path()).error().code() == ErrorCode::kDigestMismatch);
  }
  SECTION("extra") {
    testing::WriteFile(dir / "blobs/sha256/extra", "x");
    CHECK_THAT(VerifyChecksums(dir.path()).error().message(), Catch::Contains("not listed"));
  }
  SECTION("missing") {
    std::filesystem::remove(dir / "index.json");
    CHECK(VerifyChecksums(dir.path()).error().code() == ErrorCode::kNotFound);
  }
}

TEST_CASE("tar volumes unpack to the same verified bundle") {
  TempDir dir;
  MakeTree(dir / "b");
  REQUIRE(WriteChecksums(dir / "b").ok());
  auto volumes = WriteVolumes(dir / "b", 16 * 1024);
  REQUIRE(volumes.ok());
  CHECK(volumes->size() >= 5);  // 70 KB of data in 16 KiB volumes
  CHECK(IsFirstVolume(volumes->front()));
  std::filesystem::create_directories(dir / "out");
  REQUIRE(ExtractVolumes(volumes->front(), dir / "out").ok());
  CHECK(VerifyChecksums(dir / "out").ok());
  CHECK_FALSE(std::filesystem::exists(dir / "out/.hoist"));
  // A lost last volume is a truncated archive.
  std::filesystem::remove(volumes->back());
  std::filesystem::create_directories(dir / "out2");
  CHECK_FALSE(ExtractVolumes(volumes->front(), dir / "out2").ok());
}

TEST_CASE("split sizes for --split") {
  CHECK(*ParseSize("4G") == 4ull << 30);
  CHECK(*ParseSize("650M") == 650ull << 20);
  CHECK(*ParseSize("100k") == 100ull << 10);
  CHECK(*ParseSize("20000") == 20000);
  for (const char* bad : {"", "G", "1.5G", "-1M", "12Q", "1k"}) {
    INFO(bad);
    CHECK_FALSE(ParseSize(bad).ok());
  }
}
