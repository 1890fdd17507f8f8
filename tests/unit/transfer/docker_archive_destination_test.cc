#include <catch2/catch.hpp>

#include "../store/oci_archive_test_support.h"
#include "store/oci_archive_load.h"
#include "support/temp_dir.h"
#include "transfer/docker_archive_destination.h"
#include "transfer/docker_archive_source.h"
#include "transfer/oci_archive_destination.h"

namespace hoist::transfer {
namespace {

using namespace hoist::store::testing;
using hoist::testing::TempDir;

// What a copy does for a docker-archive: config as is, layers decompressed (as their diff_id, size
// unknown), then the source's manifest (gzip layers) with a tag.
void CopyInto(ImageDestination& dest, const SourceImage& img, const std::string& tag, bool decompress) {
  std::vector<Descriptor> layers;
  Descriptor config = Descriptor::For(std::string(kOciConfig), img.config);
  StringReader cr(img.config);
  REQUIRE(dest.PutBlob(cr, config).ok());
  for (const auto& l : img.layers) {
    std::string gz = Compress(l, Compression::kGzip);
    layers.push_back(Descriptor::For(std::string(kOciLayerGzip), gz));
    Descriptor put = decompress ? Descriptor::For(std::string(kOciLayerTar), l) : layers.back();
    if (decompress) put.size = -1;
    StringReader r(decompress ? l : gz);
    REQUIRE(dest.PutBlob(r, put).ok());
  }
  Manifest m(std::string(kOciManifest), config, layers);
  REQUIRE(dest.PutManifest({m.raw(), std::string(kOciManifest)}, tag).ok());
}

Result<store::LoadResult> LoadFile(const TempDir& dir, const std::string& file) {
  auto s = store::OciLayout::Open(dir / "store", store::OciLayout::OpenMode::kCreate);
  REQUIRE(s.ok());
  auto in = FdReader::Open(file);
  REQUIRE(in.ok());
  return store::LoadArchive(*s, **in);
}

TEST_CASE("docker-archive destination writes a manifest naming the uncompressed layers") {
  TempDir dir;
  SourceImage img = MakeImage("dest");
  auto dest = DockerArchiveDestination::Open(dir / "a.tar", Reference::Parse("app:1").value(), dir / "spool");
  REQUIRE(dest.ok());
  CHECK((*dest)->WantsUncompressedLayers());
  CopyInto(**dest, img, "", /*decompress=*/true);
  REQUIRE((*dest)->Commit().ok());
  auto loaded = LoadFile(dir, dir / "a.tar");
  REQUIRE(loaded.ok());
  REQUIRE(loaded->images.size() == 1);
  CHECK(loaded->images[0].names.at(0).str() == "docker.io/library/app:1");
  auto s = store::OciLayout::Open(dir / "store", store::OciLayout::OpenMode::kExisting);
  auto m = Manifest::Parse(s->ReadBlob(loaded->images[0].root.digest, kMaxManifestSize).value());
  REQUIRE(m.ok());
  for (size_t i = 0; i < img.layers.size(); ++i) {
    CHECK(m->layers()[i].digest == Digest::Of(img.layers[i]));
    CHECK(m->layers()[i].media_type == kOciLayerTar);
    CHECK(m->layers()[i].size == static_cast<int64_t>(img.layers[i].size()));
  }
}

TEST_CASE("docker-archive destination refuses a manifest whose layers were not written uncompressed") {
  TempDir dir;
  auto dest = DockerArchiveDestination::Open(dir / "a.tar", std::nullopt, dir / "spool");
  REQUIRE(dest.ok());
  SourceImage img = MakeImage("x", 1);
  Descriptor config = Descriptor::For(std::string(kOciConfig), img.config);
  StringReader cr(img.config);
  REQUIRE((*dest)->PutBlob(cr, config).ok());
  Manifest m(std::string(kOciManifest), config, {Descriptor::For(std::string(kOciLayerGzip), "zz")});
  auto st = (*dest)->PutManifest({m.raw(), std::string(kOciManifest)}, "x:1");
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("uncompressed"));
  dest->reset();  // no Commit: nothing appears
  CHECK(ListDir(dir.path()).empty());
}

TEST_CASE("oci-archive destination keeps blobs and manifest digest as they are") {
  TempDir dir;
  SourceImage img = MakeImage("oci");
  auto dest = OciArchiveDestination::Open(dir / "o.tar", dir / "spool");
  REQUIRE(dest.ok());
  CopyInto(**dest, img, "example.com/o:1", /*decompress=*/false);
  REQUIRE((*dest)->Commit().ok());
  auto loaded = LoadFile(dir, dir / "o.tar");
  REQUIRE(loaded.ok());
  CHECK(loaded->format == store::ArchiveFormat::kOciArchive);
  CHECK(loaded->images.at(0).names.at(0).str() == "example.com/o:1");
}

// The index.json entries of an oci-archive: ref.name ("" when none) of each.
std::vector<std::string> ArchiveRefNames(const TempDir& dir, const std::string& file) {
  auto loaded = LoadFile(dir, file);
  REQUIRE(loaded.ok());
  std::vector<std::string> out;
  for (const auto& image : loaded->images) out.push_back(image.ref_name);
  return out;
}

TEST_CASE("oci-archive destination writes the ref.name verbatim, as skopeo (\"v1\" stays \"v1\")") {
  TempDir dir;
  for (const std::string tag : {"v1", "bar", "app:1", "example.com/o:1"}) {
    INFO(tag);
    auto dest = OciArchiveDestination::Open(dir / "o.tar", dir / "spool");
    REQUIRE(dest.ok());
    CopyInto(**dest, MakeImage("v"), tag, /*decompress=*/false);
    REQUIRE((*dest)->Commit().ok());
    CHECK(ArchiveRefNames(dir, dir / "o.tar") == std::vector<std::string>{tag});
  }
}

TEST_CASE("oci-archive destination without a name writes one unnamed entry, as skopeo") {
  TempDir dir;
  auto dest = OciArchiveDestination::Open(dir / "o.tar", dir / "spool");
  REQUIRE(dest.ok());
  CopyInto(**dest, MakeImage("u"), "", /*decompress=*/false);
  REQUIRE((*dest)->Commit().ok());
  CHECK(ArchiveRefNames(dir, dir / "o.tar") == std::vector<std::string>{""});
}

TEST_CASE("an oci-archive source finds REF verbatim, then as the reference it parses as") {
  TempDir dir;
  auto dest = OciArchiveDestination::Open(dir / "o.tar", dir / "spool");
  REQUIRE(dest.ok());
  SourceImage a = MakeImage("a"), b = MakeImage("b"), c = MakeImage("c");
  CopyInto(**dest, a, "v1", false);
  CopyInto(**dest, b, "docker.io/library/app:latest", false);
  CopyInto(**dest, c, "example.com/c:2", false);
  REQUIRE((*dest)->Commit().ok());
  auto config_of = [&](const std::string& name) -> std::string {
    auto src = OpenOciArchiveSource(dir / "o.tar", name, dir / "spool");
    if (!src.ok()) return src.error().message();
    auto m = (*src)->GetManifest(std::nullopt);
    REQUIRE(m.ok());
    return Manifest::Parse(m->bytes).value().config().digest.str();
  };
  CHECK(config_of("v1") == Digest::Of(a.config).str());
  CHECK(config_of("app") == Digest::Of(b.config).str());
  CHECK(config_of("app:latest") == Digest::Of(b.config).str());
  CHECK(config_of("example.com/c:2") == Digest::Of(c.config).str());
  CHECK_THAT(config_of("v2"), Catch::Contains("no image named \"v2\"") && Catch::Contains("v1"));
  CHECK_THAT(config_of(""), Catch::Contains("holds 3 images"));
}

TEST_CASE("a docker-archive source takes @N, the Nth image from 0, as skopeo") {
  TempDir dir;
  auto dest = DockerArchiveDestination::Open(dir / "d.tar", std::nullopt, dir / "spool");
  REQUIRE(dest.ok());
  SourceImage a = MakeImage("a", 1), b = MakeImage("b", 1);
  CopyInto(**dest, a, "x:1", true);
  CopyInto(**dest, b, "y:1", true);
  REQUIRE((*dest)->Commit().ok());
  for (int n : {0, 1}) {
    auto src = OpenDockerArchiveSource(dir / "d.tar", "@" + std::to_string(n), dir / "spool");
    REQUIRE(src.ok());
    auto m = (*src)->GetManifest(std::nullopt);
    REQUIRE(m.ok());
    CHECK(Manifest::Parse(m->bytes).value().config().digest == Digest::Of((n == 0 ? a : b).config));
  }
  auto by_name = OpenDockerArchiveSource(dir / "d.tar", "y:1", dir / "spool");
  REQUIRE(by_name.ok());
  auto past = OpenDockerArchiveSource(dir / "d.tar", "@2", dir / "spool");
  REQUIRE_FALSE(past.ok());
  CHECK_THAT(past.error().message(), Catch::Contains("@0 to @1"));
}

}  // namespace
}  // namespace hoist::transfer
