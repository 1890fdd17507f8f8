// Working-container records (containers.h): written whole or not at all, and directories without a
// record listed as broken and removable.

#include "container/containers.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "core/fs.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::container;

namespace {

ContainerRecord Record(std::vector<std::string> command) {
  ContainerRecord r;
  r.image = "example.com/app:1";
  r.created = "2024-01-01T00:00:00Z";
  r.command = std::move(command);
  return r;
}

}  // namespace

TEST_CASE("A container whose command holds invalid UTF-8 is created with its record, U+FFFD in place") {
  hoist::testing::TempDir dir;
  ContainerStore store{store::LayoutPaths(dir.path())};
  auto made = store.Create(Record({"sh", "-c", "echo \xff"}));
  REQUIRE(made.ok());
  auto all = store.List();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK(all->at(0).problem.empty());
  CHECK(all->at(0).command == std::vector<std::string>{"sh", "-c", "echo \xef\xbf\xbd"});
  CHECK(std::filesystem::is_directory(store.Rootfs(made->id)));
}

TEST_CASE("A container directory without a record is listed as broken, found by id and removed by prune") {
  hoist::testing::TempDir dir;
  store::LayoutPaths paths(dir.path());
  ContainerStore store{paths};
  auto good = store.Create(Record({"true"}));
  REQUIRE(good.ok());
  const std::string id(64, 'a');
  REQUIRE(MakeDirs(paths.Container(id) + "/rootfs/etc", 0700).ok());
  auto all = store.List();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  const ContainerRecord& broken = all->at(0).id == id ? all->at(0) : all->at(1);
  CHECK(broken.status == "broken");
  CHECK(broken.problem == "no container.json");
  auto found = store.Find(id.substr(0, 12));
  REQUIRE(found.ok());
  CHECK(found->id == id);

  auto removed = store.RemoveBroken();
  REQUIRE(removed.ok());
  CHECK(*removed == std::vector<std::string>{id});
  CHECK_FALSE(std::filesystem::exists(paths.Container(id)));
  auto left = store.List();
  REQUIRE(left.ok());
  REQUIRE(left->size() == 1);
  CHECK(left->at(0).id == good->id);
}

TEST_CASE("rm removes a broken container by its id") {
  hoist::testing::TempDir dir;
  store::LayoutPaths paths(dir.path());
  ContainerStore store{paths};
  const std::string id(64, 'b');
  REQUIRE(MakeDirs(paths.Container(id) + "/rootfs", 0700).ok());
  auto found = store.Find(id);
  REQUIRE(found.ok());
  REQUIRE(store.Remove(found->id).ok());
  CHECK_FALSE(std::filesystem::exists(paths.Container(id)));
}

TEST_CASE("A container's run settings and platform survive its record, so start and exec can use them again") {
  hoist::testing::TempDir dir;
  ContainerStore store{store::LayoutPaths(dir.path())};
  ContainerRecord r = Record({"sh"});
  r.spec.env = {"A=1", "LIST=a,b"};
  r.spec.working_dir = "/srv";
  r.spec.user = "app";
  r.spec.hostname = "box";
  r.spec.network_none = true;
  r.spec.capabilities = CapBit(12);
  r.spec.mounts.push_back({SandboxMount::Kind::kBind, "/host", "/data", true, ""});
  r.spec.mounts.push_back({SandboxMount::Kind::kTmpfs, "", "/t", false, "size=1m"});
  r.spec.volumes = {"data"};
  r.spec.read_only_root = true;
  r.spec.init = true;
  r.spec.tty = true;
  r.started = "2024-01-01T00:00:01Z";
  r.container_pid = 1234;
  r.platform = "linux/arm64/v8";  // start checks qemu's handler for it again
  auto made = store.Create(r);
  REQUIRE(made.ok());
  auto back = store.Find(made->id);
  REQUIRE(back.ok());
  const RunSpec& s = back->spec;
  CHECK(s.env == r.spec.env);
  CHECK(s.working_dir == "/srv");
  CHECK(s.user == "app");
  CHECK(s.network_none);
  CHECK(s.capabilities == CapBit(12));
  REQUIRE(s.mounts.size() == 2);
  CHECK(s.mounts[0].source == "/host");
  CHECK(s.mounts[0].read_only);
  CHECK(s.mounts[1].kind == SandboxMount::Kind::kTmpfs);
  CHECK(s.mounts[1].tmpfs_options == "size=1m");
  CHECK(s.volumes == std::vector<std::string>{"data"});
  CHECK((s.read_only_root && s.init && s.tty));
  CHECK(back->started == "2024-01-01T00:00:01Z");
  CHECK(back->container_pid == 1234);
  CHECK(back->platform == "linux/arm64/v8");
  SandboxOptions o = SandboxFor(*back, "/root");
  CHECK(o.hostname == "box");
  CHECK(o.network == SandboxOptions::Network::kNone);
  CHECK(o.argv == std::vector<std::string>{"sh"});
}

TEST_CASE("A record whose Platform is not a platform string loads, with the field left for start to judge") {
  hoist::testing::TempDir dir;
  store::LayoutPaths paths(dir.path());
  ContainerStore store{paths};
  ContainerRecord r = Record({"true"});
  r.platform = "linux/arm64";
  auto made = store.Create(r);
  REQUIRE(made.ok());
  const std::string record = paths.Container(made->id) + "/container.json";
  const std::string text = hoist::testing::ReadFile(record);
  const size_t at = text.find("\"linux/arm64\"");
  REQUIRE(at != std::string::npos);
  const std::string replacement = GENERATE(std::string("{\"os\":[1,2]}"), std::string("12"), std::string("null"),
                                           std::string("\"no/such/platform/at/all\""), std::string("\"\\u0000\""));
  INFO("Platform: " << replacement);
  REQUIRE(AtomicWriteFile(record, text.substr(0, at) + replacement + text.substr(at + 13)).ok());
  auto loaded = store.Find(made->id);
  REQUIRE(loaded.ok());
  CHECK(loaded->problem.empty());
  CHECK(loaded->command == std::vector<std::string>{"true"});
  if (replacement[0] != '"') CHECK(loaded->platform.empty());  // not a string: no platform
}
