#include <catch2/catch.hpp>

#include "oci_archive_test_support.h"
#include "store/index_names.h"
#include "store/oci_archive_load.h"
#include "support/temp_dir.h"

namespace hoist::store {
namespace {

using namespace hoist::store::testing;
using hoist::testing::TempDir;

OciLayout NewStore(const TempDir& dir) {
  auto s = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(s.ok());
  return std::move(s).value();
}

Result<LoadResult> Load(OciLayout& s, const std::string& archive, LoadOptions options = {}) {
  StringReader r(archive);
  return LoadArchive(s, r, options);
}

// Loading `archive` fails with `code` and leaves the store exactly as it was.
void ExpectRejected(const std::string& archive, ErrorCode code, const std::string& words) {
  TempDir dir;
  OciLayout s = NewStore(dir);
  StoreState before = StateOf(s);
  auto r = Load(s, archive);
  REQUIRE_FALSE(r.ok());
  INFO(r.error().ToString());
  CHECK(r.error().code() == code);
  CHECK_THAT(r.error().ToString(), Catch::Contains(words));
  CHECK(StateOf(s) == before);
}

TEST_CASE("docker archive as skopeo writes it loads with its name and uncompressed layers") {
  TempDir dir;
  OciLayout s = NewStore(dir);
  SourceImage img = MakeImage("a");
  auto r = Load(s, MakeTar(DockerArchiveFiles(img, "example.com/team/app:1")));
  REQUIRE(r.ok());
  CHECK(r->format == ArchiveFormat::kDockerArchive);
  REQUIRE(r->images.size() == 1);
  REQUIRE(r->images[0].names.size() == 1);
  CHECK(r->images[0].names[0].str() == "example.com/team/app:1");
  CHECK(r->images[0].image_id->hex() == Hex(img.config));
  auto root = s.Resolve(r->images[0].names[0]);
  REQUIRE(root.ok());
  auto raw = s.ReadBlob(root->digest, kMaxManifestSize);
  REQUIRE(raw.ok());
  auto m = Manifest::Parse(*raw);
  REQUIRE(m.ok());
  CHECK(m->media_type() == kOciManifest);  // the made manifest is OCI: skopeo and umoci read it
  REQUIRE(m->layers().size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(m->layers()[i].media_type == kOciLayerTar);
    CHECK(m->layers()[i].digest.hex() == Hex(img.layers[i]));
    CHECK(s.HasBlob(m->layers()[i].digest));
  }
  CHECK(StateOf(s).tmp.empty());

  // The manifest made for a docker archive is the same bytes every time.
  TempDir dir2;
  OciLayout s2 = NewStore(dir2);
  auto r2 = Load(s2, MakeTar(DockerArchiveFiles(img, "example.com/team/app:1")));
  REQUIRE(r2.ok());
  CHECK(r2->images[0].root.digest == r->images[0].root.digest);
}

TEST_CASE("gzip and zstd compressed docker archives load") {
  SourceImage img = MakeImage("z");
  std::string tar = MakeTar(DockerArchiveFiles(img, "app:1"));
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    TempDir dir;
    OciLayout s = NewStore(dir);
    auto r = Load(s, Compress(tar, c));
    REQUIRE(r.ok());
    CHECK(r->images[0].names[0].str() == "docker.io/library/app:1");
  }
}

TEST_CASE("docker archive layers reached through symlinks (docker's <id>/layer.tar) load") {
  SourceImage img = MakeImage("s", 1);
  std::string hex = Hex(img.layers[0]);
  std::vector<TarFile> files = {
      {"blobs/sha256/" + hex, img.layers[0]},
      {"legacy/layer.tar", "", TarEntryType::kSymlink, "../blobs/sha256/" + hex},
      {Hex(img.config) + ".json", img.config},
      {"manifest.json", "[{\"Config\":\"" + Hex(img.config) + ".json\",\"RepoTags\":null,\"Layers\":[\"legacy/layer.tar\"]}]"},
  };
  TempDir dir;
  OciLayout s = NewStore(dir);
  auto r = Load(s, MakeTar(files));
  REQUIRE(r.ok());
  CHECK(r->images[0].names.empty());
  CHECK(s.HasBlob(Digest::Of(img.layers[0])));
}

TEST_CASE("gzip layers inside a docker archive are checked against the diff_id and kept compressed") {
  SourceImage img = MakeImage("g", 1);
  std::string gz = Compress(img.layers[0], Compression::kGzip);
  std::vector<TarFile> files = {
      {"layer.tar.gz", gz},
      {Hex(img.config) + ".json", img.config},
      {"manifest.json", "[{\"Config\":\"" + Hex(img.config) + ".json\",\"RepoTags\":[\"g:1\"],\"Layers\":[\"layer.tar.gz\"]}]"},
  };
  TempDir dir;
  OciLayout s = NewStore(dir);
  auto r = Load(s, MakeTar(files));
  REQUIRE(r.ok());
  auto raw = s.ReadBlob(r->images[0].root.digest, kMaxManifestSize);
  REQUIRE(raw.ok());
  auto m = Manifest::Parse(*raw);
  REQUIRE(m.ok());
  CHECK(m->layers()[0].media_type == kOciLayerGzip);
  CHECK(m->layers()[0].digest == Digest::Of(gz));
}

TEST_CASE("docker archive naming paths outside the archive is refused, store unchanged") {
  SourceImage img = MakeImage("p", 1);
  auto files = DockerArchiveFiles(img, "p:1");
  files.back().data = "[{\"Config\":\"../" + Hex(img.config) + ".json\",\"RepoTags\":[],\"Layers\":[]}]";
  ExpectRejected(MakeTar(files), ErrorCode::kUnsafePath, "manifest.json[0].Config");
  files.back().data = "[{\"Config\":\"/" + Hex(img.config) + ".json\",\"RepoTags\":[],\"Layers\":[]}]";
  ExpectRejected(MakeTar(files), ErrorCode::kUnsafePath, "manifest.json[0].Config");
  // A symlink inside the archive that climbs out is refused too.
  files = DockerArchiveFiles(img, "p:1");
  files.insert(files.begin(), {"evil.json", "", TarEntryType::kSymlink, "../../etc/passwd"});
  files.back().data = "[{\"Config\":\"evil.json\",\"RepoTags\":[],\"Layers\":[]}]";
  ExpectRejected(MakeTar(files), ErrorCode::kUnsafePath, "outside the archive");
}

TEST_CASE("docker archive with a duplicate entry is refused") {
  SourceImage img = MakeImage("d", 1);
  auto files = DockerArchiveFiles(img, "d:1");
  files.insert(files.begin(), files[0]);
  ExpectRejected(MakeTar(files), ErrorCode::kParse, "duplicate entry");
}

TEST_CASE("docker archive missing a layer is refused") {
  SourceImage img = MakeImage("m", 2);
  auto files = DockerArchiveFiles(img, "m:1");
  files.erase(files.begin());  // the first layer
  ExpectRejected(MakeTar(files), ErrorCode::kNotFound, Hex(img.layers[0]) + ".tar");
}

TEST_CASE("docker archive layer whose digest is not the config's diff_id is refused") {
  SourceImage img = MakeImage("x", 1);
  auto files = DockerArchiveFiles(img, "x:1");
  files[0].data = MakeTar({{"other", "tampered"}});
  ExpectRejected(MakeTar(files), ErrorCode::kDigestMismatch, "diff_id");
}

TEST_CASE("docker archive config named by digest must have that digest") {
  SourceImage img = MakeImage("c", 1);
  auto files = DockerArchiveFiles(img, "c:1");
  files[1].data[files[1].data.size() - 1] = ' ';  // still JSON-ish, different bytes
  ExpectRejected(MakeTar(files), ErrorCode::kDigestMismatch, "config file");
}

TEST_CASE("docker archive whose config is not JSON is refused") {
  SourceImage img = MakeImage("j", 1);
  auto files = DockerArchiveFiles(img, "j:1");
  files[1] = {"config.json", "this is not json"};
  files.back().data = "[{\"Config\":\"config.json\",\"RepoTags\":[\"j:1\"],\"Layers\":[\"" + Hex(img.layers[0]) + ".tar\"]}]";
  ExpectRejected(MakeTar(files), ErrorCode::kParse, "config");
}

TEST_CASE("truncated docker archive is refused and its spooled files removed") {
  SourceImage img = MakeImage("t", 2);
  std::string tar = MakeTar(DockerArchiveFiles(img, "t:1"));
  ExpectRejected(tar.substr(0, 1536 + 100), ErrorCode::kParse, "truncated");
  ExpectRejected(Compress(tar, Compression::kGzip).substr(0, 200), ErrorCode::kParse, "truncated");
}

TEST_CASE("decompression bomb stops at the limit and leaves nothing behind") {
  std::string zeros(8 << 20, '\0');
  std::string tar = MakeTar({{"big.bin", zeros}});
  std::string bomb = Compress(tar, Compression::kGzip);
  TempDir dir;
  OciLayout s = NewStore(dir);
  StoreState before = StateOf(s);
  LoadOptions options;
  options.max_expanded_size = 1 << 20;
  auto r = Load(s, bomb, options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kTooLarge);
  CHECK(StateOf(s) == before);
}

TEST_CASE("archive that is neither format is refused") {
  ExpectRejected(MakeTar({{"hello.txt", "hi"}}), ErrorCode::kParse, "neither manifest.json");
  ExpectRejected(MakeTar({{"manifest.json", "{\"not\":\"an array\"}"}}), ErrorCode::kParse, "expected an array");
}

TEST_CASE("a docker archive with many RepoTags sets every name in one index.json write") {
  TempDir dir;
  OciLayout s = NewStore(dir);
  // An earlier image holds one of the names: the load moves it, keeping its place.
  SourceImage old = MakeImage("old");
  REQUIRE(Load(s, MakeTar(DockerArchiveFiles(old, "many/n:17"))).ok());
  const uint64_t writes_before = IndexWritesSoFar();
  SourceImage img = MakeImage("many");
  auto files = DockerArchiveFiles(img, "many/n:0");
  std::string tags = "\"many/n:0\"";
  const int kNames = 1000;
  for (int i = 1; i < kNames; ++i) tags += ",\"many/n:" + std::to_string(i) + "\"";
  tags += ",\"many/n:5\"";  // a name twice is set once
  for (auto& f : files) {
    if (f.path != "manifest.json") continue;
    auto at = f.data.find("\"many/n:0\"");
    REQUIRE(at != std::string::npos);
    f.data.replace(at, std::string("\"many/n:0\"").size(), tags);
  }
  auto r = Load(s, MakeTar(files));
  REQUIRE(r.ok());
  CHECK(IndexWritesSoFar() == writes_before + 1);
  auto named = s.ListNamed();
  REQUIRE(named.ok());
  CHECK(named->size() == static_cast<size_t>(kNames));
  const Digest root = (*r).images.at(0).root.digest;
  for (int i = 0; i < kNames; i += 97) {
    auto d = s.Resolve(Reference::Parse("many/n:" + std::to_string(i)).value());
    REQUIRE(d.ok());
    CHECK(d->digest == root);
  }
  CHECK(named->front().ref.str() == "docker.io/many/n:17");  // replaced in place
  CHECK(named->front().descriptor.digest == root);
}

}  // namespace
}  // namespace hoist::store
