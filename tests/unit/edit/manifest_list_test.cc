// The manifest lists kept in the store between `manifest create` and `manifest push`.

#include <catch2/catch.hpp>

#include "core/media_types.h"
#include "edit/manifest_list.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::edit;
using hoist::testing::TempDir;

TEST_CASE("a manifest list is saved and loaded with its entries, annotations and sources") {
  TempDir t;
  ManifestListStore store(t / "lists");
  CHECK(!store.Load("example.com/a:1")->has_value());
  ManifestList list{"example.com/a:1", {}, {{"k", "v"}}, {}};
  Descriptor d = Descriptor::For(std::string(kOciManifest), "{}");
  d.platform = *Platform::Parse("linux/arm/v7");
  d.annotations["note"] = "x";
  list.entries.push_back(d);
  list.sources[d.digest] = "docker://example.com/a:arm";
  REQUIRE(store.Save(list).ok());
  auto loaded = store.Load("example.com/a:1");
  REQUIRE(loaded.ok());
  REQUIRE(loaded->has_value());
  const ManifestList& l = **loaded;
  CHECK(l.name == "example.com/a:1");
  REQUIRE(l.entries.size() == 1);
  CHECK(l.entries[0].platform->str() == "linux/arm/v7");
  CHECK(l.entries[0].annotations.at("note") == "x");
  CHECK(l.annotations.at("k") == "v");
  CHECK(l.sources.at(d.digest) == "docker://example.com/a:arm");
  CHECK(!store.Load("example.com/b:1")->has_value());  // another name, another file
  REQUIRE(store.Remove("example.com/a:1").ok());
  CHECK(!store.Load("example.com/a:1")->has_value());
  CHECK(store.Remove("example.com/a:1").ok());  // removing what is gone is fine
}

TEST_CASE("a garbled manifest list file is refused with its path") {
  TempDir t;
  ManifestListStore store(t.path());
  ManifestList list{"example.com/a:1", {}, {}, {}};
  REQUIRE(store.Save(list).ok());
  hoist::testing::WriteFile(t / (Digest::Of("example.com/a:1").hex() + ".json"), "[1,2");
  auto r = store.Load("example.com/a:1");
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("manifest list file"));
}
