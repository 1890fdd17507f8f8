// New layers from directories and tar files, and appending them to images.

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "core/compression.h"
#include "core/io.h"
#include "core/tar_writer.h"
#include "edit/append.h"
#include "memory_source.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::edit;
using hoist::edit_test::MemorySource;
using hoist::testing::TempDir;

namespace {

std::string Decompressed(const std::string& path) {
  auto file = FdReader::Open(path);
  REQUIRE(file.ok());
  auto plain = DecompressAuto(**file);
  return *ReadAll(*plain, 1 << 20);
}

void MakeTree(const TempDir& t) {
  ::mkdir((t / "dir").c_str(), 0755);
  ::mkdir((t / "dir/sub").c_str(), 0755);
  hoist::testing::WriteFile(t / "dir/sub/f", "hello");
  hoist::testing::WriteFile(t / "dir/g", "world");
}

}  // namespace

TEST_CASE("a directory layer is reproducible and its diff_id is the digest of its tar") {
  TempDir t;
  MakeTree(t);
  ::mkdir((t / "s1").c_str(), 0700);
  ::mkdir((t / "s2").c_str(), 0700);
  LayerOptions o;
  o.timestamp = 0;
  auto a = MakeLayer(t / "dir", t / "s1", "l", o);
  REQUIRE(a.ok());
  auto b = MakeLayer(t / "dir", t / "s2", "l", o);
  REQUIRE(b.ok());
  CHECK(a->digest == b->digest);
  CHECK(a->diff_id == b->diff_id);
  const std::string tar = Decompressed(a->path);
  CHECK(Digest::Of(tar) == a->diff_id);
  CHECK(tar.find("sub/f") != std::string::npos);
  CHECK(Digest::Of(hoist::testing::ReadFile(a->path)) == a->digest);
}

TEST_CASE("a tar layer is re-written with checked paths, and zstd is zstd") {
  TempDir t;
  {
    StringWriter w;
    TarWriter out(w);
    TarEntry e;
    e.path = "./etc/x";
    e.size = 3;
    StringReader body("abc");
    REQUIRE(out.WriteEntry(e, &body).ok());
    REQUIRE(out.Close().ok());
    hoist::testing::WriteFile(t / "x.tar", w.str());
  }
  LayerOptions o;
  o.compression = Compression::kZstd;
  auto l = MakeLayer(t / "x.tar", t.path(), "l", o);
  REQUIRE(l.ok());
  CHECK(DetectCompression(hoist::testing::ReadFile(l->path).substr(0, 4)) == Compression::kZstd);
  CHECK(Digest::Of(Decompressed(l->path)) == l->diff_id);

  hoist::testing::WriteFile(t / "bad.tar", std::string(1024, 'x'));
  CHECK(!MakeLayer(t / "bad.tar", t.path(), "b", o).ok());
  auto missing = MakeLayer(t / "missing", t.path(), "m", o);
  REQUIRE(!missing.ok());
  CHECK_THAT(missing.error().message(), Catch::Contains("--layer"));
}

TEST_CASE("append adds the layers, their diff_ids and history, and keeps the old layers") {
  MemorySource src;
  Descriptor image = src.PutImage("amd64");
  src.top = image.digest;
  NewLayer l;
  l.path = "/spool/l";
  l.digest = Digest::Of("compressed");
  l.size = 10;
  l.diff_id = Digest::Of("tar");
  AppendOptions o;
  o.layers = {l};
  o.names = {"./dir"};
  o.created = "1970-01-01T00:00:00Z";
  auto edited = Append(src, o);
  REQUIRE(edited.ok());
  Manifest m = *Manifest::Parse(edited->manifests.at(edited->top.digest).bytes);
  Manifest old = *Manifest::Parse(src.docs[image.digest].bytes);
  REQUIRE(m.layers().size() == 2);
  CHECK(m.layers()[0].SameContent(old.layers()[0]));
  CHECK(m.layers()[1].digest == l.digest);
  CHECK(m.layers()[1].media_type == kOciLayerGzip);
  CHECK(edited->files.at(l.digest) == "/spool/l");
  auto config = ImageConfig::Parse(edited->blobs.at(m.config().digest));
  REQUIRE(config.ok());
  REQUIRE(config->diff_ids().size() == 2);
  CHECK(config->diff_ids()[1] == l.diff_id);
  CHECK(config->history().back().created_by == "hoist append ./dir");
  CHECK(!config->history().back().empty_layer);
}

TEST_CASE("append refuses a zstd layer for a Docker schema 2 image") {
  MemorySource src;
  Descriptor c = src.PutBlob(R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})",
                             std::string(kDockerConfig));
  Manifest m(std::string(kDockerManifest), c, {});
  src.top = src.PutDoc(m.raw(), std::string(kDockerManifest)).digest;
  NewLayer l;
  l.compression = Compression::kZstd;
  AppendOptions o;
  o.layers = {l};
  auto r = Append(src, o);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("cannot hold a zstd layer"));
}
