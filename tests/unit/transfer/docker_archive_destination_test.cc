#include <catch2/catch.hpp>

#include "../store/oci_archive_test_support.h"
#include "store/oci_archive_load.h"
#include "support/temp_dir.h"
#include "transfer/docker_archive_destination.h"
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
  auto dest = OciArchiveDestination::Open(dir / "o.tar", std::nullopt, dir / "spool");
  REQUIRE(dest.ok());
  CopyInto(**dest, img, "example.com/o:1", /*decompress=*/false);
  REQUIRE((*dest)->Commit().ok());
  auto loaded = LoadFile(dir, dir / "o.tar");
  REQUIRE(loaded.ok());
  CHECK(loaded->format == store::ArchiveFormat::kOciArchive);
  CHECK(loaded->images.at(0).names.at(0).str() == "example.com/o:1");
}

}  // namespace
}  // namespace hoist::transfer
