#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <optional>

#include "core/tar_reader.h"
#include "oci_archive_test_support.h"
#include "store/flatten.h"
#include "support/temp_dir.h"

namespace hoist::store {
namespace {

using namespace hoist::store::testing;
using hoist::testing::TempDir;

// path → data (directories "dir/" → "<dir>", links "-> target").
std::map<std::string, std::string> Flatten(const std::vector<std::string>& layers, std::vector<std::string>* order = nullptr) {
  StringWriter out;
  auto st = FlattenLayers(
      layers.size(), [&](size_t i) -> Result<std::unique_ptr<Reader>> { return std::unique_ptr<Reader>(new StringReader(layers[i])); },
      out);
  REQUIRE(st.ok());
  StringReader r(out.str());
  TarReader t(r);
  std::map<std::string, std::string> files;
  for (;;) {
    auto e = t.Next();
    REQUIRE(e.ok());
    if (!*e) break;
    std::string v;
    if ((*e)->type == TarEntryType::kDirectory) v = "<dir>";
    else if ((*e)->type == TarEntryType::kHardlink) v = "=> " + (*e)->link_target;
    else if ((*e)->type == TarEntryType::kSymlink) v = "-> " + (*e)->link_target;
    else {
      auto data = ReadAll(t.data(), 1 << 20);
      REQUIRE(data.ok());
      v = *data;
    }
    if (order) order->push_back((*e)->path);
    CHECK(files.count((*e)->path) == 0);  // every path once
    files[(*e)->path] = v;
  }
  return files;
}

TEST_CASE("flatten: upper layers win, whiteouts delete, whiteout files are not written") {
  std::string l0 = MakeTar({{"etc/", "", TarEntryType::kDirectory, ""},
                            {"etc/a", "a0"},
                            {"etc/b", "b0"},
                            {"etc/sub/", "", TarEntryType::kDirectory, ""},
                            {"etc/sub/deep", "d0"}});
  std::string l1 = MakeTar({{"etc/a", "a1"}, {"etc/.wh.b", ""}, {"etc/.wh.sub", ""}, {"new", "n1"}});
  auto files = Flatten({l0, l1});
  CHECK(files["etc/a"] == "a1");
  CHECK(files.count("etc/b") == 0);
  CHECK(files.count("etc/sub/") == 0);
  CHECK(files.count("etc/sub/deep") == 0);
  CHECK(files["new"] == "n1");
  CHECK(files["etc/"] == "<dir>");
  for (const auto& [p, v] : files) CHECK(p.find(".wh.") == std::string::npos);
}

TEST_CASE("flatten: an opaque directory hides what lower layers put in it, not what its own layer adds") {
  std::string l0 = MakeTar({{"d/", "", TarEntryType::kDirectory, ""}, {"d/old", "o"}, {"keep", "k"}});
  std::string l1 = MakeTar({{"d/", "", TarEntryType::kDirectory, ""}, {"d/.wh..wh..opq", ""}, {"d/new", "n"}});
  auto files = Flatten({l0, l1});
  CHECK(files.count("d/old") == 0);
  CHECK(files["d/new"] == "n");
  CHECK(files["d/"] == "<dir>");
  CHECK(files["keep"] == "k");
}

TEST_CASE("flatten: a file replacing a directory hides the directory's lower content") {
  std::string l0 = MakeTar({{"x/", "", TarEntryType::kDirectory, ""}, {"x/inner", "i"}});
  std::string l1 = MakeTar({{"x", "now a file"}});
  auto files = Flatten({l0, l1});
  CHECK(files["x"] == "now a file");
  CHECK(files.count("x/inner") == 0);
  CHECK(files.count("x/") == 0);
}

TEST_CASE("flatten: a hardlink to a lower layer's file comes after its target") {
  std::string l0 = MakeTar({{"bin/", "", TarEntryType::kDirectory, ""}, {"bin/busybox", "BB"}});
  std::string l1 = MakeTar({{"bin/sh", "", TarEntryType::kHardlink, "bin/busybox"}});
  std::vector<std::string> order;
  auto files = Flatten({l0, l1}, &order);
  CHECK(files["bin/sh"] == "=> bin/busybox");
  auto target = std::find(order.begin(), order.end(), "bin/busybox");
  auto link = std::find(order.begin(), order.end(), "bin/sh");
  REQUIRE(target != order.end());
  REQUIRE(link != order.end());
  CHECK(target < link);
}

TEST_CASE("flatten: a layer entry escaping the root is an error") {
  std::string bad = MakeTar({{"../../etc/passwd", "x"}});
  StringWriter out;
  auto st = FlattenLayers(1, [&](size_t) -> Result<std::unique_ptr<Reader>> { return std::unique_ptr<Reader>(new StringReader(bad)); }, out);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kUnsafePath);
}

// A layer stored in a fresh layout (gzip-compressed or plain), whose blob a test may then damage.
struct StoredLayer {
  TempDir dir;
  std::unique_ptr<OciLayout> layout;
  Descriptor layer;
  Digest diff_id = Digest::Of("");
  std::string path() const { return layout->paths().Blob(layer.digest); }
};

std::unique_ptr<StoredLayer> StoreLayer(bool gzip) {
  auto s = std::make_unique<StoredLayer>();
  auto l = OciLayout::Open(s->dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(l.ok());
  s->layout = std::make_unique<OciLayout>(std::move(l).value());
  std::string tar = MakeTar({{"etc/", "", TarEntryType::kDirectory, ""}, {"etc/motd", std::string(5000, 'm')}});
  s->diff_id = Digest::Of(tar);
  std::string blob = gzip ? Compress(tar, Compression::kGzip) : tar;
  auto d = s->layout->PutBytes(blob, std::string(gzip ? kOciLayerGzip : kOciLayerTar));
  REQUIRE(d.ok());
  s->layer = *d;
  return s;
}

void PatchByte(const std::string& path, size_t at, char value) {
  std::string bytes = hoist::testing::ReadFile(path);
  REQUIRE(at < bytes.size());
  bytes[at] = value;
  std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  hoist::testing::WriteFile(path, bytes);
}

Status ExportLayer(const StoredLayer& s, std::optional<Digest> diff_id) {
  StringWriter out;
  return FlattenLayers(1, [&](size_t) { return OpenLayerTar(*s.layout, s.layer, diff_id); }, out);
}

TEST_CASE("flatten: an intact stored layer exports with its digest and diff_id checked") {
  for (bool gzip : {false, true}) {
    auto s = StoreLayer(gzip);
    CHECK(ExportLayer(*s, s->diff_id).ok());
  }
}

TEST_CASE("flatten: a stored layer with changed bytes is a digest mismatch, not a good export") {
  auto s = StoreLayer(false);
  PatchByte(s->path(), 1024, 'X');  // inside etc/motd's data: the tar still parses
  auto st = ExportLayer(*s, s->diff_id);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kDigestMismatch);
  // Past the end-of-archive marker, where no tar reader looks, counts as much.
  auto tail = StoreLayer(false);
  PatchByte(tail->path(), std::filesystem::file_size(tail->path()) - 1, 'T');
  auto st2 = ExportLayer(*tail, std::nullopt);
  REQUIRE_FALSE(st2.ok());
  CHECK(st2.error().code() == ErrorCode::kDigestMismatch);
}

TEST_CASE("flatten: a flipped byte in a gzip layer's deflate stream is a digest mismatch") {
  for (size_t at : {size_t{20}, size_t{40}, size_t{60}}) {
    INFO(at);
    auto s = StoreLayer(true);
    std::string bytes = hoist::testing::ReadFile(s->path());
    REQUIRE(at < bytes.size() - 8);
    PatchByte(s->path(), at, static_cast<char>(bytes[at] ^ 0x01));
    auto st = ExportLayer(*s, s->diff_id);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code() == ErrorCode::kDigestMismatch);
  }
}

TEST_CASE("flatten: a layer whose content is not the config's diff_id is a digest mismatch") {
  auto s = StoreLayer(true);
  auto st = ExportLayer(*s, Digest::Of("another layer"));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kDigestMismatch);
  CHECK_THAT(st.error().message(), Catch::Contains("diff_id"));
}

}  // namespace
}  // namespace hoist::store
