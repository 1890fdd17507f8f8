// Flatten against an in-memory source with real layer tars.

#include <catch2/catch.hpp>

#include "core/compression.h"
#include "core/io.h"
#include "core/tar_reader.h"
#include "core/tar_writer.h"
#include "edit/flatten.h"
#include "memory_source.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::edit;
using hoist::edit_test::MemorySource;
using hoist::testing::TempDir;

namespace {

std::string Tar(const std::vector<std::pair<std::string, std::string>>& files) {
  StringWriter w;
  TarWriter out(w);
  for (const auto& [path, body] : files) {
    TarEntry e;
    e.path = path;
    e.size = body.size();
    StringReader r(body);
    REQUIRE(out.WriteEntry(e, &r).ok());
  }
  REQUIRE(out.Close().ok());
  return w.str();
}

std::string Gzip(const std::string& plain) {
  StringWriter w;
  auto gz = NewCompressingWriter(w, Compression::kGzip);
  REQUIRE(gz.ok());
  REQUIRE((*gz)->Write(plain).ok());
  REQUIRE((*gz)->Close().ok());
  return w.str();
}

std::vector<std::string> Paths(const std::string& compressed_file) {
  auto file = FdReader::Open(compressed_file);
  REQUIRE(file.ok());
  auto plain = DecompressAuto(**file);
  TarReader tar(*plain);
  std::vector<std::string> out;
  for (;;) {
    auto e = tar.Next();
    REQUIRE(e.ok());
    if (!*e) break;
    out.push_back((*e)->path);
  }
  return out;
}

struct TwoLayers {
  MemorySource src;
  Descriptor image;
  TwoLayers(bool corrupt_diff_id = false) {
    std::string t0 = Tar({{"a", "1"}, {"b", "2"}}), t1 = Tar({{".wh.a", ""}, {"c", "3"}});
    Descriptor l0 = src.PutBlob(Gzip(t0), std::string(kOciLayerGzip));
    Descriptor l1 = src.PutBlob(Gzip(t1), std::string(kOciLayerGzip));
    std::string d1 = corrupt_diff_id ? Digest::Of("other").str() : Digest::Of(t1).str();
    std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[")" +
                         Digest::Of(t0).str() + R"(",")" + d1 +
                         R"("]},"history":[{"created_by":"ADD a b"},{"created_by":"RUN rm a"},)"
                         R"({"created_by":"ENV x","empty_layer":true}]})";
    Descriptor c = src.PutBlob(config, std::string(kOciConfig));
    Manifest m(std::string(kOciManifest), c, {l0, l1});
    image = src.PutDoc(m.raw(), std::string(kOciManifest));
    src.top = image.digest;
  }
};

}  // namespace

TEST_CASE("flatten makes one layer with whiteouts applied and keeps the history as empty entries") {
  TwoLayers t;
  TempDir spool;
  FlattenOptions o;
  o.spool = spool.path();
  o.created = "1970-01-01T00:00:00Z";
  auto edited = Flatten(t.src, o);
  REQUIRE(edited.ok());
  Manifest m = *Manifest::Parse(edited->manifests.at(edited->top.digest).bytes);
  REQUIRE(m.layers().size() == 1);
  const std::string& file = edited->files.at(m.layers()[0].digest);
  auto paths = Paths(file);
  std::sort(paths.begin(), paths.end());
  CHECK(paths == std::vector<std::string>{"b", "c"});
  auto config = ImageConfig::Parse(edited->blobs.at(m.config().digest));
  REQUIRE(config.ok());
  REQUIRE(config->diff_ids().size() == 1);
  REQUIRE(config->history().size() == 4);
  for (size_t i = 0; i < 3; ++i) CHECK(config->history()[i].empty_layer);
  CHECK(config->history()[0].created_by == "ADD a b");
  CHECK(config->history()[3].created_by == "hoist flatten");
  CHECK(!config->history()[3].empty_layer);
}

TEST_CASE("flatten refuses a layer whose content is not its config's diff_id") {
  TwoLayers t(/*corrupt_diff_id=*/true);
  TempDir spool;
  FlattenOptions o;
  o.spool = spool.path();
  auto r = Flatten(t.src, o);
  REQUIRE(!r.ok());
  CHECK(r.error().code() == ErrorCode::kDigestMismatch);
}
