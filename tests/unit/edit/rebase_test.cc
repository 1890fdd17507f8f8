// Rebase against in-memory sources: crane's rules.

#include <catch2/catch.hpp>

#include "edit/rebase.h"
#include "memory_source.h"

using namespace hoist;
using namespace hoist::edit;
using hoist::edit_test::MemorySource;

namespace {

// An image whose layers are `layers` (names), diff_ids and history one per layer.
Descriptor PutImage(MemorySource& src, const std::vector<std::string>& layers, const std::string& media_type) {
  std::string diff_ids, history;
  std::vector<Descriptor> descs;
  const bool docker = media_type == kDockerManifest;
  for (const auto& l : layers) {
    descs.push_back(src.PutBlob("gz-" + l, std::string(docker ? kDockerLayerGzip : kOciLayerGzip)));
    diff_ids += std::string(diff_ids.empty() ? "" : ",") + "\"" + Digest::Of("tar-" + l).str() + "\"";
    history += std::string(history.empty() ? "" : ",") + R"({"created_by":")" + l + "\"}";
  }
  std::string config = R"({"architecture":"amd64","os":"linux","config":{"Cmd":["app"]},"rootfs":{"type":"layers",)"
                       R"("diff_ids":[)" + diff_ids + R"(]},"history":[)" + history + "]}";
  Descriptor c = src.PutBlob(config, std::string(docker ? kDockerConfig : kOciConfig));
  Manifest m(media_type, c, descs);
  return src.PutDoc(m.raw(), media_type);
}

struct Bases {
  std::shared_ptr<MemorySource> old_base = std::make_shared<MemorySource>();
  std::shared_ptr<MemorySource> new_base = std::make_shared<MemorySource>();
  MemorySource app;
  Bases(const std::string& new_type = std::string(kOciManifest)) {
    old_base->top = PutImage(*old_base, {"b1"}, std::string(kOciManifest)).digest;
    new_base->top = PutImage(*new_base, {"n1", "n2"}, new_type).digest;
    app.top = PutImage(app, {"b1", "a1"}, std::string(kOciManifest)).digest;
  }
  RebaseOptions Options() {
    RebaseOptions o;
    o.old_base = old_base;
    o.new_base = new_base;
    o.new_base_name = "example.com/base:2";
    return o;
  }
};

}  // namespace

TEST_CASE("rebase swaps the old base's layers, diff_ids and history for the new base's") {
  Bases b;
  auto edited = Rebase(b.app, b.Options());
  REQUIRE(edited.ok());
  Manifest m = *Manifest::Parse(edited->manifests.at(edited->top.digest).bytes);
  REQUIRE(m.layers().size() == 3);
  CHECK(m.layers()[0].digest == Digest::Of("gz-n1"));
  CHECK(m.layers()[1].digest == Digest::Of("gz-n2"));
  CHECK(m.layers()[2].digest == Digest::Of("gz-a1"));
  CHECK(edited->elsewhere.count(Digest::Of("gz-n1")));  // read from the new base
  CHECK(m.annotations().at(kBaseNameAnnotation) == "example.com/base:2");
  CHECK(m.annotations().at(kBaseDigestAnnotation) == b.new_base->top.str());
  auto config = ImageConfig::Parse(edited->blobs.at(m.config().digest));
  REQUIRE(config.ok());
  CHECK(config->diff_ids() == std::vector<Digest>{Digest::Of("tar-n1"), Digest::Of("tar-n2"), Digest::Of("tar-a1")});
  REQUIRE(config->history().size() == 3);
  CHECK(config->history()[2].created_by == "a1");
  CHECK(config->config()->cmd == std::vector<std::string>{"app"});
}

TEST_CASE("rebase refuses an image that is not built on the old base, naming the layer") {
  Bases b;
  b.old_base->top = PutImage(*b.old_base, {"other"}, std::string(kOciManifest)).digest;
  auto r = Rebase(b.app, b.Options());
  REQUIRE(!r.ok());
  CHECK(r.error().code() == ErrorCode::kConflict);
  CHECK_THAT(r.error().message(), Catch::Contains("is not built on the old base") && Catch::Contains("layer 0"));

  b.old_base->top = PutImage(*b.old_base, {"b1", "a1", "x"}, std::string(kOciManifest)).digest;
  r = Rebase(b.app, b.Options());
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("has 3 layers"));
}

TEST_CASE("rebase names a Docker base's layers in the OCI image's media types, never mixed") {
  Bases b{std::string(kDockerManifest)};
  auto edited = Rebase(b.app, b.Options());
  REQUIRE(edited.ok());
  Manifest m = *Manifest::Parse(edited->manifests.at(edited->top.digest).bytes);
  for (const auto& l : m.layers()) CHECK(l.media_type == kOciLayerGzip);
}
