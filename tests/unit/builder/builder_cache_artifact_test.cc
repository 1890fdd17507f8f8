// The exported build cache (--cache-to/--cache-from): a round trip between two stores, and crafted
// artifacts refused by name with nothing added.

#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "builder/cache_artifact.h"
#include "core/json_parse.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::builder;
using hoist::testing::TempDir;

namespace {

// Serves one manifest and the blobs of a store, as a registry or an OCI layout would.
class StoreSource : public transfer::ImageSource {
 public:
  StoreSource(const store::OciLayout& from, std::string manifest) : from_(from), manifest_(std::move(manifest)) {}
  std::string Describe() const override { return "test:cache"; }
  Result<transfer::ManifestBytes> GetManifest(const std::optional<Digest>&) override {
    return transfer::ManifestBytes{manifest_, std::string(kOciManifest)};
  }
  Result<std::unique_ptr<Reader>> GetBlob(const Descriptor& blob, uint64_t) override {
    return from_.OpenBlob(blob.digest);
  }

 private:
  const store::OciLayout& from_;
  std::string manifest_;
};

store::OciLayout Store(const TempDir& tmp, const std::string& name) {
  auto layout = store::OciLayout::Open(tmp / name, store::OciLayout::OpenMode::kCreate);
  REQUIRE(layout.ok());
  return std::move(layout).value();
}

// A manifest over `config_text` (stored in `layout`) and `layers`.
std::string CacheManifest(store::OciLayout& layout, const std::string& config_text,
                          std::vector<Descriptor> layers = {}, std::string config_type = kCacheConfigType) {
  auto config = layout.PutBytes(config_text, config_type);
  REQUIRE(config.ok());
  Manifest m(std::string(kOciManifest), *config, std::move(layers));
  return m.raw();
}

}  // namespace

TEST_CASE("a build cache artifact carries its step records and layers to another store") {
  TempDir tmp;
  auto a = Store(tmp, "a");
  auto layer = a.PutBytes("layer bytes", std::string(kOciLayerGzip));
  REQUIRE(layer.ok());
  std::map<Digest, CachedStep> steps;
  const Digest k1 = CacheKey(Digest::Of(""), {"RUN", "one"});
  const Digest k2 = CacheKey(k1, {"RUN", "two"});
  steps[k1] = CachedStep{*layer, Digest::Of("diff"), "2026-01-01T00:00:00Z"};
  steps[k2] = CachedStep{std::nullopt, Digest::Of(""), "2026-01-01T00:00:01Z"};
  auto artifact = WriteCacheArtifact(a, steps);
  REQUIRE(artifact.ok());
  auto raw = a.ReadBlob(artifact->digest, kMaxManifestSize);
  REQUIRE(raw.ok());
  CHECK_THAT(*raw, Catch::Contains(kCacheArtifactType));

  auto b = Store(tmp, "b");
  StoreSource source(a, *raw);
  auto imported = ImportCacheArtifact(b, source);
  REQUIRE(imported.ok());
  CHECK(*imported == 2);
  CHECK(b.HasBlob(layer->digest));
  BuildCache cache(b);
  auto hit = cache.Lookup(k1);
  REQUIRE(hit);
  REQUIRE(hit->layer);
  CHECK(hit->layer->digest == layer->digest);
  CHECK(hit->created == "2026-01-01T00:00:00Z");
  CHECK(cache.Lookup(k2));
}

TEST_CASE("crafted build cache artifacts are refused by name and add nothing") {
  TempDir tmp;
  auto a = Store(tmp, "a");
  auto b = Store(tmp, "b");
  const std::string key = CacheKey(Digest::Of(""), {"x"}).str();
  auto layer = a.PutBytes("layer", std::string(kOciLayerGzip));
  REQUIRE(layer.ok());
  const std::string record = R"({"layer":null,"diff_id":")" + Digest::Of("").str() + R"(","created":"x"})";
  const std::string with_layer = R"({"layer":)" + DumpJson(ToJson(*layer)) + R"(,"diff_id":")" +
                                 Digest::Of("").str() + R"(","created":"x"})";
  struct Case {
    std::string config;
    std::string type;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"{}", std::string(kOciConfig), "is not a hoist build cache"},
      {"[]", kCacheConfigType, "has no \"steps\" object"},
      {R"({"steps": []})", kCacheConfigType, "has no \"steps\" object"},
      {"{\"steps\": {\"sha256:nothex\": " + record + "}}", kCacheConfigType, "is malformed"},
      {"{\"steps\": {\"" + key + "\": {\"diff_id\": 1}}}", kCacheConfigType, "is malformed"},
      {"{\"steps\": {\"" + key + "\": " + with_layer + "}}", kCacheConfigType, "that the cache does not hold"},
      {"{\"steps\": ", kCacheConfigType, "config"},
  };
  for (const auto& c : cases) {
    INFO(c.config);
    StoreSource source(a, CacheManifest(a, c.config, {}, c.type));
    auto r = ImportCacheArtifact(b, source);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().ToString(), Catch::Contains(c.says) && Catch::Contains("build cache test:cache"));
    CHECK_FALSE(BuildCache(b).Lookup(*Digest::Parse(key)));
  }
  StoreSource index(a, R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})");
  CHECK_FALSE(ImportCacheArtifact(b, index).ok());
}
