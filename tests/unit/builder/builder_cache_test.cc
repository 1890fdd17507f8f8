// The step cache (builder/build_cache.h): keys chain, records round-trip, and a record whose
// layer blob is gone (pruned) is a miss.

#include <catch2/catch.hpp>

#include "builder/build_cache.h"
#include "core/media_types.h"
#include "support/temp_dir.h"

using hoist::Digest;
using hoist::builder::BuildCache;
using hoist::builder::CacheKey;
using hoist::builder::CachedStep;
using hoist::store::OciLayout;

TEST_CASE("cache keys depend on the parent and on every part, unambiguously") {
  Digest zero = Digest::Of("");
  CHECK(CacheKey(zero, {"RUN", "a"}) == CacheKey(zero, {"RUN", "a"}));
  CHECK(CacheKey(zero, {"RUN", "a"}) != CacheKey(Digest::Of("x"), {"RUN", "a"}));
  CHECK(CacheKey(zero, {"ab", "c"}) != CacheKey(zero, {"a", "bc"}));
}

TEST_CASE("a cache record names its layer, without the blob it is a miss") {
  hoist::testing::TempDir tmp;
  auto layout = OciLayout::Open(tmp / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(layout.ok());
  BuildCache cache(*layout);
  Digest key = CacheKey(Digest::Of(""), {"COPY", "x"});
  CHECK_FALSE(cache.Lookup(key).has_value());

  CachedStep empty{std::nullopt, Digest::Of(""), "2024-01-01T00:00:00Z"};
  REQUIRE(cache.Store(key, empty).ok());
  auto hit = cache.Lookup(key);
  REQUIRE(hit.has_value());
  CHECK_FALSE(hit->layer.has_value());
  CHECK(hit->created == "2024-01-01T00:00:00Z");

  auto blob = layout->PutBytes("layer bytes", std::string(hoist::kOciLayerGzip));
  REQUIRE(blob.ok());
  Digest key2 = CacheKey(key, {"RUN", "y"});
  REQUIRE(cache.Store(key2, CachedStep{*blob, Digest::Of("tar"), "2024-01-02T00:00:00Z"}).ok());
  auto hit2 = cache.Lookup(key2);
  REQUIRE(hit2.has_value());
  REQUIRE(hit2->layer.has_value());
  CHECK(hit2->layer->digest == blob->digest);
  CHECK(hit2->diff_id == Digest::Of("tar"));

  REQUIRE(::unlink(layout->paths().Blob(blob->digest).c_str()) == 0);  // what prune does
  CHECK_FALSE(cache.Lookup(key2).has_value());
}
