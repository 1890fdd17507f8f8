#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/tar_reader.h"
#include "oci_archive_test_support.h"
#include "store/docker_archive_writer.h"
#include "store/oci_archive_load.h"
#include "store/oci_archive_output.h"
#include "support/temp_dir.h"

namespace hoist::store {
namespace {

using namespace hoist::store::testing;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;

// Writes `images` (config + layers as blobs of unknown size, as a save that decompresses does).
Status WriteArchive(ArchiveOutput out, const std::vector<std::pair<SourceImage, std::string>>& images) {
  DockerArchiveWriter w(out);
  for (const auto& [img, tag] : images) {
    StringReader cr(img.config);
    HOIST_TRY(w.blobs().AddBlob(cr, Digest::Of(img.config), static_cast<int64_t>(img.config.size())));
    std::vector<Descriptor> layers;
    for (const auto& l : img.layers) {
      StringReader lr(l);
      HOIST_TRY(w.blobs().AddBlob(lr, Digest::Of(l), -1));
      layers.push_back(Descriptor::For(std::string(kDockerLayerTar), l));
    }
    Manifest m(std::string(kDockerManifest), Descriptor::For(std::string(kDockerConfig), img.config), layers);
    StringReader mr(m.raw());
    HOIST_TRY(w.blobs().AddBlob(mr, m.digest(), m.size()));
    HOIST_TRY_ASSIGN(Reference ref, Reference::Parse(tag));
    HOIST_TRY(w.AddImage(m, {ref}));
  }
  return w.Finish();
}

std::vector<std::string> EntryNames(const std::string& tar) {
  StringReader r(tar);
  TarReader t(r);
  std::vector<std::string> names;
  for (;;) {
    auto e = t.Next();
    REQUIRE(e.ok());
    if (!*e) break;
    names.push_back((*e)->path);
  }
  return names;
}

TEST_CASE("docker archive written to a pipe (spooled) and to a file (patched) are the same bytes") {
  TempDir dir;
  SourceImage a = MakeImage("a"), b = MakeImage("b");
  std::vector<std::pair<SourceImage, std::string>> images = {{a, "a:1"}, {b, "example.com/b:2"}};

  StringWriter piped;
  ArchiveOutput pipe_out;
  pipe_out.out = &piped;
  pipe_out.spool_dir = dir / "spool";
  REQUIRE(WriteArchive(pipe_out, images).ok());

  auto file = ArchiveFileOutput::Open(dir / "out.tar", dir / "spool");
  REQUIRE(file.ok());
  CHECK((*file)->target().patch_fd >= 0);
  REQUIRE(WriteArchive((*file)->target(), images).ok());
  REQUIRE((*file)->Commit().ok());

  CHECK(ReadFile(dir / "out.tar") == piped.str());
  CHECK(ListDir(dir / "spool").empty());  // spool files are unlinked at once
  auto names = EntryNames(piped.str());
  for (const char* n : {"manifest.json", "index.json", "oci-layout", "repositories"}) {
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  }
}

TEST_CASE("images sharing a layer share its blob in the archive, and load back") {
  TempDir dir;
  SourceImage a = MakeImage("s", 1);
  SourceImage b = a;  // same layer, other config
  ImageConfig cb(Platform{"linux", "arm64", "v8", "", {}});
  cb.AddLayer(Digest::Of(a.layers[0]), HistoryEntry{});
  b.config = cb.raw();
  StringWriter out;
  ArchiveOutput o;
  o.out = &out;
  o.spool_dir = dir / "spool";
  REQUIRE(WriteArchive(o, {{a, "a:1"}, {b, "b:1"}}).ok());
  auto names = EntryNames(out.str());
  CHECK(std::count(names.begin(), names.end(), "blobs/sha256/" + Hex(a.layers[0])) == 1);

  auto s = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(s.ok());
  StringReader r(out.str());
  auto loaded = LoadArchive(*s, r);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->images.size() == 2);
  CHECK(loaded->images[0].names[0].str() == "docker.io/library/a:1");
  CHECK(loaded->images[1].names[0].str() == "docker.io/library/b:1");
  CHECK(loaded->images[1].image_id->hex() == Hex(b.config));
}

TEST_CASE("a blob whose content is not its digest fails the write") {
  TempDir dir;
  StringWriter out;
  ArchiveOutput o;
  o.out = &out;
  o.spool_dir = dir / "spool";
  LayoutTarWriter w(o);
  StringReader r("not what the digest says");
  auto st = w.AddBlob(r, Digest::Of("something else"), -1);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kDigestMismatch);
  StringReader r2("abc");
  auto st2 = w.AddBlob(r2, Digest::Of("abd"), 3);
  REQUIRE_FALSE(st2.ok());
  CHECK(st2.error().code() == ErrorCode::kDigestMismatch);
}

TEST_CASE("an abandoned archive file leaves nothing at its path") {
  TempDir dir;
  {
    auto file = ArchiveFileOutput::Open(dir / "out.tar", dir / "spool");
    REQUIRE(file.ok());
    REQUIRE((*file)->writer().Write("partial").ok());
  }
  CHECK(ListDir(dir.path()).empty());
}

}  // namespace
}  // namespace hoist::store
