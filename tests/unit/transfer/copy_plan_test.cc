// Plan ordering and platform choice, against an in-memory source.

#include <map>

#include <catch2/catch.hpp>

#include "core/manifest.h"
#include "core/media_types.h"
#include "transfer/copy_plan.h"

using namespace hoist;
using namespace hoist::transfer;

namespace {

class FakeSource : public ImageSource {
 public:
  std::string Describe() const override { return "fake"; }
  Result<ManifestBytes> GetManifest(const std::optional<Digest>& instance) override {
    const Digest& d = instance ? *instance : top;
    auto it = docs.find(d.str());
    if (it == docs.end()) return NotFound("no manifest " + d.str());
    return it->second;
  }
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor&, uint64_t) override { return Unsupported("no blobs"); }
  Result<std::vector<Attached>> ListAttached(const Descriptor& subject) override {
    auto it = attached.find(subject.digest.str());
    if (it == attached.end()) return std::vector<Attached>{};
    return it->second;
  }

  Descriptor Put(const std::string& raw, std::string media_type) {
    Descriptor d = Descriptor::For(media_type, raw);
    docs[d.digest.str()] = ManifestBytes{raw, media_type};
    return d;
  }

  Digest top = Digest::Of("");
  std::map<std::string, ManifestBytes> docs;
  std::map<std::string, std::vector<Attached>> attached;
};

Descriptor Blob(const std::string& content, std::string_view type = kOciLayerGzip) {
  return Descriptor::For(std::string(type), content);
}

Descriptor Image(FakeSource& src, const std::string& arch, const Descriptor& shared_layer) {
  Manifest m(std::string(kOciManifest), Blob("config-" + arch, kOciConfig), {shared_layer, Blob("layer-" + arch)});
  return src.Put(m.raw(), std::string(kOciManifest));
}

Descriptor WithPlatform(Descriptor d, const std::string& p) {
  d.platform = *Platform::Parse(p);
  return d;
}

struct TwoPlatforms {
  FakeSource src;
  Descriptor amd64, arm64, index;
  Descriptor shared = Blob("shared-base");
  TwoPlatforms() {
    amd64 = Image(src, "amd64", shared);
    arm64 = Image(src, "arm64", shared);
    Index idx(std::string(kOciIndex), {WithPlatform(amd64, "linux/amd64"), WithPlatform(arm64, "linux/arm64")});
    index = src.Put(idx.raw(), std::string(kOciIndex));
    src.top = index.digest;
  }
};

}  // namespace

TEST_CASE("a whole index is planned children first, the index last, each blob once") {
  TwoPlatforms t;
  auto plan = PlanImage(t.src, PlatformSelection{}, "v1");
  REQUIRE(plan.ok());
  REQUIRE(plan->manifests.size() == 3);
  CHECK(plan->manifests[0].descriptor.digest == t.amd64.digest);
  CHECK(plan->manifests[1].descriptor.digest == t.arm64.digest);
  CHECK(plan->manifests[2].descriptor.digest == t.index.digest);
  CHECK(plan->manifests[2].tag == "v1");
  CHECK(plan->manifests[0].tag.empty());
  CHECK(plan->top.digest == t.index.digest);
  // config + shared + own layer for amd64; config + own layer for arm64
  CHECK(plan->blobs.size() == 5);
  CHECK(plan->blobs[1].digest == t.shared.digest);
}

TEST_CASE("one platform plans that image alone under the tag") {
  TwoPlatforms t;
  PlatformSelection sel{false, {*Platform::Parse("linux/arm64")}};
  auto plan = PlanImage(t.src, sel, "v1");
  REQUIRE(plan.ok());
  REQUIRE(plan->manifests.size() == 1);
  CHECK(plan->top.digest == t.arm64.digest);
  CHECK(plan->manifests[0].tag == "v1");
  CHECK(plan->blobs.size() == 3);
  CHECK_FALSE(plan->notes.empty());
}

TEST_CASE("several platforms but not all make a new index of just those") {
  TwoPlatforms t;
  // A third platform that is not asked for.
  Descriptor s390 = Image(t.src, "s390x", t.shared);
  Index idx(std::string(kOciIndex), {WithPlatform(t.amd64, "linux/amd64"), WithPlatform(t.arm64, "linux/arm64"),
                                     WithPlatform(s390, "linux/s390x")});
  t.src.top = t.src.Put(idx.raw(), std::string(kOciIndex)).digest;
  PlatformSelection sel{false, {*Platform::Parse("linux/amd64"), *Platform::Parse("linux/arm64")}};
  auto plan = PlanImage(t.src, sel, "v1");
  REQUIRE(plan.ok());
  REQUIRE(plan->manifests.size() == 3);
  auto parsed = Index::Parse(plan->manifests[2].bytes.bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed->manifests().size() == 2);
  CHECK(plan->top.digest == plan->manifests[2].descriptor.digest);
  CHECK_FALSE(plan->top.digest == t.src.top);
}

TEST_CASE("a platform the index lacks is a clear not-found error") {
  TwoPlatforms t;
  PlatformSelection sel{false, {*Platform::Parse("windows/amd64")}};
  auto plan = PlanImage(t.src, sel, "v1");
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().code() == ErrorCode::kNotFound);
  CHECK(plan.error().message().find("linux/arm64") != std::string::npos);
}

TEST_CASE("attached signatures are planned after the image, with their tags and blobs") {
  FakeSource src;
  Descriptor image = Image(src, "amd64", Blob("base"));
  src.top = image.digest;
  Manifest sig(std::string(kOciManifest), Blob("{}", kOciEmpty), {Blob("signature-payload", "application/vnd.dev.cosign.simplesigning.v1+json")});
  Descriptor sig_d = src.Put(sig.raw(), std::string(kOciManifest));
  const std::string tag = "sha256-" + image.digest.hex() + ".sig";
  src.attached[image.digest.str()] = {ImageSource::Attached{tag, sig_d}};
  auto plan = PlanImage(src, PlatformSelection{}, "v1");
  REQUIRE(plan.ok());
  REQUIRE(PlanAttached(src, *plan).ok());
  REQUIRE(plan->manifests.size() == 2);
  CHECK(plan->manifests[1].descriptor.digest == sig_d.digest);
  CHECK(plan->manifests[1].tag == tag);
  CHECK(plan->blobs.size() == 5);
  CHECK(plan->top.digest == image.digest);
}

TEST_CASE("a child the source cannot serve fails the plan") {
  TwoPlatforms t;
  t.src.docs.erase(t.arm64.digest.str());
  auto plan = PlanImage(t.src, PlatformSelection{}, "v1");
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().code() == ErrorCode::kNotFound);
}

namespace {

// A plan for one linux/amd64 image whose config CheckConfigs would have read.
CopyPlan Amd64Plan() {
  const std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  Manifest m(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), config), {});
  CopyPlan plan;
  plan.top = Descriptor::For(std::string(kOciManifest), m.raw());
  plan.manifests.push_back(PlannedManifest{plan.top, ManifestBytes{m.raw(), std::string(kOciManifest)}, "1"});
  plan.configs[m.config().digest] = config;
  return plan;
}

PlatformSelection Requested(const std::string& p) {
  PlatformSelection sel;
  sel.all = false;
  sel.requested = true;
  sel.platforms.push_back(*Platform::Parse(p));
  return sel;
}

}  // namespace

TEST_CASE("a single-platform image is refused when --platform names another, as docker pull does") {
  CopyPlan plan = Amd64Plan();
  Status refused = CheckRequestedPlatform(plan, Requested("linux/arm64"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kNotFound);
  CHECK_THAT(refused.error().message(),
             Catch::Contains("does not match the specified platform: wanted linux/arm64, actual: linux/amd64"));
  CHECK(CheckRequestedPlatform(plan, Requested("linux/amd64")).ok());
  // This machine's platform as a default (pull without --platform, a build's FROM) lets it through.
  PlatformSelection by_default = Requested("linux/arm64");
  by_default.requested = false;
  CHECK(CheckRequestedPlatform(plan, by_default).ok());
  // An index's entry was chosen by its platform already.
  plan.chosen_from_index = true;
  CHECK(CheckRequestedPlatform(plan, Requested("linux/arm64")).ok());
}
