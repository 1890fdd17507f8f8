// TempOwner / FindOwnerlessTemps: temp space whose owner died is found (and removed) at once, temp
// space of a live owner never is.

#include "core/temp_owner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "support/temp_dir.h"

using namespace hoist;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

TEST_CASE("temp entries held by a live owner are never ownerless") {
  TempDir dir;
  const std::string tmp = dir / "tmp";
  auto file = TempOwner::CreateFile(tmp, "blob-", 0644);
  auto sub = TempOwner::CreateDir(tmp, "load-");
  REQUIRE(file.ok());
  REQUIRE(sub.ok());
  WriteFile(sub->path() + "/0", "spooled");
  auto found = FindOwnerlessTemps(tmp, /*remove=*/true);
  REQUIRE(found.ok());
  CHECK(found->empty());
  CHECK(std::filesystem::exists(file->path()));
  CHECK(std::filesystem::exists(sub->path() + "/0"));
}

TEST_CASE("temp entries whose owner released them, or that never had one, are removed at once") {
  TempDir dir;
  const std::string tmp = dir / "tmp";
  std::string sub_path;
  {
    auto sub = TempOwner::CreateDir(tmp, "commit-");
    REQUIRE(sub.ok());
    sub_path = sub->path();
    WriteFile(sub_path + "/layer", std::string(1000, 'x'));
  }  // the owner lock goes, the directory stays: what a crash leaves
  WriteFile(tmp + "/load-old", "from a hoist without owner locks");
  auto report = FindOwnerlessTemps(tmp, /*remove=*/false);
  REQUIRE(report.ok());
  REQUIRE(report->size() == 2);
  CHECK(std::filesystem::exists(sub_path));  // reporting removes nothing
  auto removed = FindOwnerlessTemps(tmp, /*remove=*/true);
  REQUIRE(removed.ok());
  REQUIRE(removed->size() == 2);
  uint64_t bytes = 0;
  for (const auto& t : *removed) {
    CHECK(t.removed);
    bytes += t.bytes;
  }
  CHECK(bytes == 1000 + 32);
  CHECK_FALSE(std::filesystem::exists(sub_path));
  CHECK(std::filesystem::is_empty(tmp));
}

TEST_CASE("the temp space of a SIGKILLed owner is ownerless at once") {
  TempDir dir;
  const std::string tmp = dir / "tmp";
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto sub = TempOwner::CreateDir(tmp, "load-");
    if (!sub.ok()) ::_exit(1);
    (void)!::write(ready[1], "x", 1);
    for (;;) ::pause();
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  auto alive = FindOwnerlessTemps(tmp, true);
  REQUIRE(alive.ok());
  CHECK(alive->empty());
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  auto dead = FindOwnerlessTemps(tmp, true);
  REQUIRE(dead.ok());
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().removed);
  CHECK(std::filesystem::is_empty(tmp));
}

TEST_CASE("a missing temp area has no ownerless entries") {
  TempDir dir;
  auto found = FindOwnerlessTemps(dir / "none", true);
  REQUIRE(found.ok());
  CHECK(found->empty());
}
