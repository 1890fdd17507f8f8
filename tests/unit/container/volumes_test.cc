// Named volumes (volumes.h): created once, listed, and not removed while a container names them.

#include "container/volumes.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "container/containers.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::container;

TEST_CASE("volume names follow docker's rule") {
  CHECK(ValidVolumeName("data"));
  CHECK(ValidVolumeName("my_vol.1-x"));
  CHECK_FALSE(ValidVolumeName("d"));
  CHECK_FALSE(ValidVolumeName(".hidden"));
  CHECK_FALSE(ValidVolumeName("a/b"));
  CHECK_FALSE(ValidVolumeName(".."));
  CHECK_FALSE(ValidVolumeName(std::string(256, 'a')));
}

TEST_CASE("a volume is created once, listed, and refused removal while a container names it") {
  hoist::testing::TempDir dir;
  store::LayoutPaths paths(dir.path());
  VolumeStore volumes(paths);
  auto v = volumes.Create("data");
  REQUIRE(v.ok());
  CHECK(v->mountpoint == dir.path() + "/.hoist/volumes/data/_data");
  CHECK(std::filesystem::is_directory(v->mountpoint));
  auto again = volumes.Create("data");
  REQUIRE(again.ok());
  CHECK(again->created == v->created);
  auto anonymous = volumes.Create("");
  REQUIRE(anonymous.ok());
  CHECK(anonymous->name.size() == 64);
  CHECK(volumes.Create("a/b").error().code() == ErrorCode::kInvalidArgument);
  auto all = volumes.List();
  REQUIRE(all.ok());
  CHECK(all->size() == 2);

  ContainerRecord c;
  c.image = "example.com/app:1";
  c.created = "2024-01-01T00:00:00Z";
  c.spec.volumes = {"data"};
  auto made = ContainerStore(paths).Create(c);
  REQUIRE(made.ok());
  auto refused = volumes.Remove("data", false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kConflict);
  CHECK(volumes.Remove("data", true).ok());
  CHECK(volumes.Find("data").error().code() == ErrorCode::kNotFound);
  CHECK(volumes.Remove("nothing", false).error().code() == ErrorCode::kNotFound);
}
