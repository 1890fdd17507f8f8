#include <catch2/catch.hpp>

#include "core/tar_reader.h"
#include "oci_archive_test_support.h"
#include "store/import.h"
#include "store/import_changes.h"
#include "support/temp_dir.h"

namespace hoist::store {
namespace {

using namespace hoist::store::testing;
using hoist::testing::TempDir;

TEST_CASE("import makes a one-layer gzip image with the diff_id, history and changes") {
  TempDir dir;
  auto s = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(s.ok());
  std::string rootfs = MakeTar({{"./", "", TarEntryType::kDirectory, ""},
                                {"./bin/", "", TarEntryType::kDirectory, ""},
                                {"./bin/tool", "#!/bin/sh\necho hi\n"}});
  ImportOptions o;
  o.platform = Platform{"linux", "arm64", "v8", "", {}};
  o.message = "from a test";
  o.created = "2024-05-06T07:08:09Z";
  o.changes = {"CMD [\"/bin/tool\", \"--x\"]", "ENV A=1 B=\"two words\"", "EXPOSE 80 53/udp", "WORKDIR /work",
               "LABEL org.x=y", "USER 1000", "VOLUME /data", "STOPSIGNAL SIGTERM", "ENTRYPOINT exec me"};
  StringReader in(Compress(rootfs, Compression::kGzip));
  auto r = ImportRootfs(*s, in, Reference::Parse("imp:1").value(), o);
  REQUIRE(r.ok());
  auto root = s->Resolve(Reference::Parse("imp:1").value());
  REQUIRE(root.ok());
  CHECK(root->digest == r->manifest.digest);
  auto m = Manifest::Parse(s->ReadBlob(root->digest, kMaxManifestSize).value());
  REQUIRE(m.ok());
  REQUIRE(m->layers().size() == 1);
  CHECK(m->layers()[0].media_type == kOciLayerGzip);
  auto config = ImageConfig::Parse(s->ReadBlob(m->config().digest, kMaxConfigSize).value());
  REQUIRE(config.ok());
  CHECK(config->architecture() == "arm64");
  CHECK(config->diff_ids().at(0) == r->diff_id);
  CHECK(config->history().at(0).comment == "from a test");
  CHECK(config->created() == "2024-05-06T07:08:09Z");
  const auto& c = *config->config();
  CHECK(c.cmd == std::vector<std::string>{"/bin/tool", "--x"});
  CHECK(c.entrypoint == std::vector<std::string>{"/bin/sh", "-c", "exec me"});
  CHECK(c.env == std::vector<std::string>{"A=1", "B=two words"});
  CHECK(c.exposed_ports == std::set<std::string>{"80/tcp", "53/udp"});
  CHECK(c.working_dir == "/work");
  CHECK(c.labels.at("org.x") == "y");
  CHECK(c.user == "1000");
  CHECK(c.volumes == std::set<std::string>{"/data"});
  CHECK(c.stop_signal == "SIGTERM");

  // The layer holds the entries, paths cleaned; its uncompressed digest is the diff_id.
  auto blob = s->OpenBlob(m->layers()[0].digest);
  REQUIRE(blob.ok());
  auto plain = Decompress(**blob, Compression::kGzip);
  auto bytes = ReadAll(*plain, 1 << 20);
  REQUIRE(bytes.ok());
  CHECK(Digest::Of(*bytes) == r->diff_id);
  StringReader lr(*bytes);
  TarReader t(lr);
  std::vector<std::string> names;
  for (;;) {
    auto e = t.Next();
    REQUIRE(e.ok());
    if (!*e) break;
    names.push_back((*e)->path);
  }
  CHECK(names == std::vector<std::string>{"bin/", "bin/tool"});
}

TEST_CASE("import refuses a tarball reaching outside its root and leaves no name") {
  TempDir dir;
  auto s = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(s.ok());
  StoreState before = StateOf(*s);
  StringReader in(MakeTar({{"link", "", TarEntryType::kSymlink, "/etc"}, {"link/passwd", "x"}}));
  auto r = ImportRootfs(*s, in, Reference::Parse("bad:1").value(), {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kUnsafePath);
  CHECK(StateOf(*s) == before);
}

TEST_CASE("config changes: forms docker accepts, and clear errors") {
  ContainerConfig c;
  REQUIRE(ApplyConfigChange(c, "cmd echo hello world").ok());
  CHECK(c.cmd == std::vector<std::string>{"/bin/sh", "-c", "echo hello world"});
  REQUIRE(ApplyConfigChange(c, "ENV PATH /usr/bin:/bin").ok());
  REQUIRE(ApplyConfigChange(c, "ENV PATH=/bin").ok());
  CHECK(c.env == std::vector<std::string>{"PATH=/bin"});
  REQUIRE(ApplyConfigChange(c, "VOLUME [\"/a\", \"/b\"]").ok());
  CHECK(c.volumes.size() == 2);
  auto bad = ApplyConfigChange(c, "RUN rm -rf /");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message(), Catch::Contains("unsupported instruction"));
  CHECK_FALSE(ApplyConfigChange(c, "EXPOSE http").ok());
  CHECK_FALSE(ApplyConfigChange(c, "LABEL novalue").ok());
  CHECK_FALSE(ApplyConfigChange(c, "ENV A=\"unterminated").ok());
  CHECK_FALSE(ApplyConfigChange(c, "USER").ok());
}

}  // namespace
}  // namespace hoist::store
