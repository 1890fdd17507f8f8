#include <catch2/catch.hpp>

#include "oci_archive_test_support.h"
#include "store/oci_archive_load.h"
#include "support/temp_dir.h"

namespace hoist::store {
namespace {

using namespace hoist::store::testing;
using hoist::testing::TempDir;

struct Loaded {
  TempDir dir;
  std::optional<OciLayout> store;
  std::optional<Result<LoadResult>> result;
  StoreState before;
};

void LoadInto(Loaded& l, const std::string& archive) {
  auto s = OciLayout::Open(l.dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(s.ok());
  l.store.emplace(std::move(s).value());
  l.before = StateOf(*l.store);
  StringReader r(archive);
  l.result.emplace(LoadArchive(*l.store, r));
}

TEST_CASE("oci archive loads with its full-reference name and keeps every digest") {
  SourceImage img = MakeImage("o");
  auto files = OciArchiveFiles(img, "localhost:5000/x/y:2");
  Loaded l;
  LoadInto(l, MakeTar(files));
  REQUIRE(l.result->ok());
  const auto& r = l.result->value();
  CHECK(r.format == ArchiveFormat::kOciArchive);
  REQUIRE(r.images.size() == 1);
  CHECK(r.images[0].names.at(0).str() == "localhost:5000/x/y:2");
  // The manifest digest is the archive's, unchanged.
  std::string manifest_path = files[files.size() - 2].path;
  CHECK("blobs/sha256/" + r.images[0].root.digest.hex() == manifest_path);
  CHECK(r.images[0].image_id->hex() == Hex(img.config));
  for (const auto& f : files) {
    if (f.path.rfind("blobs/", 0) == 0) CHECK(l.store->HasBlob(Digest::Of(f.data)));
  }
}

TEST_CASE("oci archive named by a bare word loads as that repository's latest, as podman load does") {
  Loaded l;
  LoadInto(l, MakeTar(OciArchiveFiles(MakeImage("b"), "v1")));
  REQUIRE(l.result->ok());
  REQUIRE(l.result->value().images[0].names.size() == 1);
  CHECK(l.result->value().images[0].names[0].str() == "docker.io/library/v1:latest");
  CHECK(l.result->value().images[0].ref_name == "v1");
  auto idx = l.store->ReadIndex();
  REQUIRE(idx.ok());
  REQUIRE(idx->manifests().size() == 1);
  CHECK(idx->manifests()[0].annotations.at(kRefNameAnnotation) == "docker.io/library/v1:latest");
}

TEST_CASE("oci archive whose ref.name is no reference loads unnamed") {
  Loaded l;
  LoadInto(l, MakeTar(OciArchiveFiles(MakeImage("b"), "Not A Name")));
  REQUIRE(l.result->ok());
  CHECK(l.result->value().images[0].names.empty());
  CHECK(l.result->value().images[0].ref_name == "Not A Name");
  auto idx = l.store->ReadIndex();
  REQUIRE(idx.ok());
  CHECK(idx->manifests().size() == 1);
}

TEST_CASE("oci archive blob whose content does not match its name is refused") {
  auto files = OciArchiveFiles(MakeImage("c"), "c:1");
  files[1].data[10] ^= 1;  // the first layer
  Loaded l;
  LoadInto(l, MakeTar(files));
  REQUIRE_FALSE(l.result->ok());
  CHECK(l.result->error().code() == ErrorCode::kDigestMismatch);
  CHECK(StateOf(*l.store) == l.before);
}

TEST_CASE("oci archive missing a blob is refused") {
  auto files = OciArchiveFiles(MakeImage("m"), "m:1");
  files.erase(files.begin() + 1);
  Loaded l;
  LoadInto(l, MakeTar(files));
  REQUIRE_FALSE(l.result->ok());
  CHECK(l.result->error().code() == ErrorCode::kNotFound);
  CHECK_THAT(l.result->error().ToString(), Catch::Contains("missing from the archive"));
  CHECK(StateOf(*l.store) == l.before);
}

TEST_CASE("oci archive whose index.json is not an index is refused") {
  auto files = OciArchiveFiles(MakeImage("i"), "i:1");
  files.back().data = "[1,2,3]";
  Loaded l;
  LoadInto(l, MakeTar(files));
  REQUIRE_FALSE(l.result->ok());
  CHECK_THAT(l.result->error().ToString(), Catch::Contains("index.json"));
  CHECK(StateOf(*l.store) == l.before);
}

}  // namespace
}  // namespace hoist::store
