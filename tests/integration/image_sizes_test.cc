// Sizes as docker shows them: images, history and inspect give the unpacked size of the layers
// (recorded when hoist makes a layer, else computed once and cached), inspect the compressed too.

#include <filesystem>

#include <catch2/catch.hpp>

#include "archive_test_support.h"

using namespace hoist::testing;

namespace {

// An image whose one layer holds 5,000,000 zero bytes: a few kB compressed.
void ImportZeros(const TempDir& dir, const std::string& ref) {
  std::string rootfs = dir / "rootfs";
  REQUIRE(Sh("mkdir -p " + rootfs + " && head -c 5000000 /dev/zero > " + rootfs + "/zeros && tar -C " + rootfs +
             " -cf " + rootfs + ".tar .")
              .exit_code == 0);
  auto r = RunHoist({"import", rootfs + ".tar", ref}, StoreEnv(dir));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

nlohmann::json ImagesJson(const std::vector<std::string>& env) {
  auto r = RunHoist({"images", "--format", "json"}, env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 1);
  return j[0];
}

}  // namespace

TEST_CASE("images, history and inspect show the unpacked size, in docker's units") {
  TempDir dir;
  ImportZeros(dir, "example.com/sizes/zeros:1");
  auto row = ImagesJson(StoreEnv(dir));
  const int64_t unpacked = row["Size"];
  const int64_t compressed = row["CompressedSize"];
  CHECK(unpacked > 5000000);  // the tar of the file: its bytes, headers and padding
  CHECK(unpacked < 5100000);
  CHECK(compressed < 100000);
  auto table = RunHoist({"images"}, StoreEnv(dir));
  CHECK_THAT(table.out, Catch::Contains("   5MB"));
  auto history = RunHoist({"history", "example.com/sizes/zeros:1"}, StoreEnv(dir));
  CHECK_THAT(history.out, Catch::Contains("   5MB"));
  auto inspect = RunHoist({"inspect", "example.com/sizes/zeros:1"}, StoreEnv(dir));
  auto doc = nlohmann::json::parse(inspect.out);
  CHECK(doc[0]["Size"] == unpacked);
  CHECK(doc[0]["CompressedSize"] == compressed);

  // In another store (as if pulled), the size is computed from the layer once, then cached.
  TempDir other;
  const std::vector<std::string> env = {"HOIST_STORE=" + (other / "store")};
  REQUIRE(RunHoist({"copy", "oci:" + (dir / "store") + ":example.com/sizes/zeros:1", "example.com/sizes/zeros:1"}, env)
              .exit_code == 0);
  CHECK(!std::filesystem::exists(other / "store/.hoist/layer-sizes.json"));
  CHECK(ImagesJson(env)["Size"] == unpacked);
  CHECK(std::filesystem::exists(other / "store/.hoist/layer-sizes.json"));
  // A damaged cache is only a cache: the size is computed again.
  WriteFile(other / "store/.hoist/layer-sizes.json", "{not json");
  CHECK(ImagesJson(env)["Size"] == unpacked);
}
