// Mutate against an in-memory source: what changes, what keeps its bytes.

#include <catch2/catch.hpp>

#include "edit/image_read.h"
#include "edit/mutate.h"
#include "memory_source.h"

using namespace hoist;
using namespace hoist::edit;
using hoist::edit_test::MemorySource;

namespace {

Descriptor WithPlatform(Descriptor d, const std::string& p) {
  d.platform = *Platform::Parse(p);
  return d;
}

struct TwoPlatforms {
  MemorySource src;
  Descriptor amd64, arm64, attestation, index;
  TwoPlatforms() {
    amd64 = src.PutImage("amd64");
    arm64 = src.PutImage("arm64");
    Manifest att(std::string(kOciManifest), src.PutBlob("{}", std::string(kOciConfig)), {});
    attestation = WithPlatform(src.PutDoc(att.raw(), std::string(kOciManifest)), "unknown/unknown");
    attestation.annotations["vnd.docker.reference.type"] = "attestation-manifest";
    attestation.annotations["vnd.docker.reference.digest"] = arm64.digest.str();
    Index idx(std::string(kOciIndex),
              {WithPlatform(amd64, "linux/amd64"), WithPlatform(arm64, "linux/arm64"), attestation});
    index = src.PutDoc(idx.raw(), std::string(kOciIndex));
    src.top = index.digest;
  }
};

Manifest ManifestOf(const EditedImage& e, const Digest& d) { return *Manifest::Parse(e.manifests.at(d).bytes); }

}  // namespace

TEST_CASE("mutate of an image writes a new config and manifest and keeps the layers") {
  MemorySource src;
  Descriptor image = src.PutImage("amd64");
  src.top = image.digest;
  Manifest before = *Manifest::Parse(src.docs[image.digest].bytes);
  MutateOptions o;
  o.config.labels = {{"team", "web"}};
  o.annotations = {{"org.example", "yes"}};
  auto edited = Mutate(src, o);
  REQUIRE(edited.ok());
  CHECK(edited->top.digest != image.digest);
  CHECK(edited->manifests.size() == 1);
  CHECK(edited->blobs.size() == 1);  // the config, nothing else
  Manifest after = ManifestOf(*edited, edited->top.digest);
  REQUIRE(after.layers().size() == 1);
  CHECK(after.layers()[0].SameContent(before.layers()[0]));
  CHECK(after.annotations().at("org.example") == "yes");
  auto config = ImageConfig::Parse(edited->blobs.at(after.config().digest));
  REQUIRE(config.ok());
  CHECK(config->config()->labels.at("team") == "web");
  CHECK(config->diff_ids().size() == 1);
}

TEST_CASE("annotations alone leave the config blob as it was") {
  MemorySource src;
  Descriptor image = src.PutImage("amd64");
  src.top = image.digest;
  MutateOptions o;
  o.annotations = {{"a", "b"}};
  auto edited = Mutate(src, o);
  REQUIRE(edited.ok());
  CHECK(edited->blobs.empty());
  CHECK(ManifestOf(*edited, edited->top.digest).config().digest ==
        Manifest::Parse(src.docs[image.digest].bytes)->config().digest);
}

TEST_CASE("mutate of an index with --platform changes that child only and the others keep their bytes") {
  TwoPlatforms t;
  MutateOptions o;
  o.config.env = {{"MODE", "prod"}};
  o.platforms = {*Platform::Parse("linux/arm64")};
  o.annotations = {{"index.note", "x"}};
  auto edited = Mutate(t.src, o);
  REQUIRE(edited.ok());
  auto idx = Index::Parse(edited->manifests.at(edited->top.digest).bytes);
  REQUIRE(idx.ok());
  REQUIRE(idx->manifests().size() == 3);
  CHECK(idx->manifests()[0].digest == t.amd64.digest);  // untouched: same digest, not re-added
  CHECK(!edited->manifests.count(t.amd64.digest));
  CHECK(idx->manifests()[1].digest != t.arm64.digest);
  CHECK(idx->manifests()[1].platform->architecture == "arm64");
  CHECK(idx->manifests()[2].digest == t.attestation.digest);
  // the attestation follows the image it describes
  CHECK(idx->manifests()[2].annotations.at("vnd.docker.reference.digest") == idx->manifests()[1].digest.str());
  CHECK(idx->annotations().at("index.note") == "x");
}

TEST_CASE("mutate of an index without --platform changes every image but never an attestation") {
  TwoPlatforms t;
  MutateOptions o;
  o.config.user = "1000";
  auto edited = Mutate(t.src, o);
  REQUIRE(edited.ok());
  auto idx = Index::Parse(edited->manifests.at(edited->top.digest).bytes);
  CHECK(idx->manifests()[0].digest != t.amd64.digest);
  CHECK(idx->manifests()[1].digest != t.arm64.digest);
  CHECK(idx->manifests()[2].digest == t.attestation.digest);
  CHECK(edited->manifests.size() == 3);  // two children and the index
}

TEST_CASE("a new platform moves the config and the index entry to it") {
  TwoPlatforms t;
  MutateOptions o;
  o.config.platform = *Platform::Parse("linux/arm/v7");
  o.platforms = {*Platform::Parse("linux/amd64")};
  auto edited = Mutate(t.src, o);
  REQUIRE(edited.ok());
  auto idx = Index::Parse(edited->manifests.at(edited->top.digest).bytes);
  CHECK(idx->manifests()[0].platform->str() == "linux/arm/v7");
  Manifest child = ManifestOf(*edited, idx->manifests()[0].digest);
  CHECK(ImageConfig::Parse(edited->blobs.at(child.config().digest))->platform().str() == "linux/arm/v7");
}

TEST_CASE("mutate refuses a platform the index or image does not have, and an empty change") {
  TwoPlatforms t;
  MutateOptions o;
  o.config.user = "1";
  o.platforms = {*Platform::Parse("linux/s390x")};
  auto r = Mutate(t.src, o);
  REQUIRE(!r.ok());
  CHECK(r.error().code() == ErrorCode::kNotFound);
  CHECK_THAT(r.error().message(), Catch::Contains("linux/s390x"));

  MemorySource single;
  single.top = single.PutImage("amd64").digest;
  r = Mutate(single, o);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("is an image for linux/amd64"));

  CHECK(Mutate(single, MutateOptions{}).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("mutate refuses a source that is not an image, and an artifact's config") {
  MemorySource src;
  src.top = src.PutDoc(R"({"hello":"world"})", "application/json").digest;
  MutateOptions o;
  o.config.user = "1";
  auto r = Mutate(src, o);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("is not an image or an index"));

  Manifest art(std::string(kOciManifest), src.PutBlob("{}", "application/vnd.example+json"), {});
  src.top = src.PutDoc(art.raw(), std::string(kOciManifest)).digest;
  r = Mutate(src, o);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("artifact"));
}

TEST_CASE("a config that does not match its digest is refused") {
  MemorySource src;
  Descriptor image = src.PutImage("amd64");
  src.top = image.digest;
  Manifest m = *Manifest::Parse(src.docs[image.digest].bytes);
  src.blobs[m.config().digest] = std::string(src.blobs[m.config().digest].size(), ' ');
  MutateOptions o;
  o.config.user = "1";
  auto r = Mutate(src, o);
  REQUIRE(!r.ok());
  CHECK(r.error().code() == ErrorCode::kDigestMismatch);
}

TEST_CASE("the edited source serves the new documents and blobs and the rest from the original") {
  MemorySource src;
  Descriptor image = src.PutImage("amd64");
  src.top = image.digest;
  MutateOptions o;
  o.config.user = "1";
  auto edited = Mutate(src, o);
  REQUIRE(edited.ok());
  auto overlay = EditedSource(src, *edited);
  auto top = overlay->GetManifest(std::nullopt);
  REQUIRE(top.ok());
  CHECK(Descriptor::For(top->media_type, top->bytes).digest == edited->top.digest);
  Manifest m = *Manifest::Parse(top->bytes);
  auto config = ReadConfig(*overlay, m);
  REQUIRE(config.ok());
  CHECK(config->config()->user == "1");
  auto layer = overlay->GetBlob(m.layers()[0], 0);
  REQUIRE(layer.ok());
  CHECK(*ReadAll(**layer, 100) == "layer-amd64");
  // the old signature names the old digest: nothing is attached to the new one
  CHECK(overlay->ListAttached(edited->top)->empty());
  CHECK(src.ListAttached(image)->size() == 1);
}
