#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "transfer/blob_info_cache.h"

using namespace hoist;
using namespace hoist::transfer;

TEST_CASE("the blob-info cache remembers repositories per registry, most recent first, across runs") {
  hoist::testing::TempDir dir;
  const std::string file = dir / "blob-locations.json";
  Digest d = Digest::Of("layer");
  {
    BlobInfoCache cache(file);
    cache.Record(d, "reg:5000", "a/app");
    cache.Record(d, "reg:5000", "b/app");
    cache.Record(d, "other:5000", "c/app");
    CHECK(cache.RepositoriesOn(d, "reg:5000") == std::vector<std::string>{"b/app", "a/app"});
    REQUIRE(cache.Save().ok());
  }
  BlobInfoCache again(file);
  again.Load();
  CHECK(again.RepositoriesOn(d, "reg:5000") == std::vector<std::string>{"b/app", "a/app"});
  CHECK(again.RepositoriesOn(d, "other:5000") == std::vector<std::string>{"c/app"});
  CHECK(again.RepositoriesOn(Digest::Of("other"), "reg:5000").empty());
}

TEST_CASE("a damaged blob-info cache file is ignored") {
  hoist::testing::TempDir dir;
  hoist::testing::WriteFile(dir / "c.json", "{not json");
  BlobInfoCache cache(dir / "c.json");
  cache.Load();
  CHECK(cache.RepositoriesOn(Digest::Of("x"), "h").empty());
}
