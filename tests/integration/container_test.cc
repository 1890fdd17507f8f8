// Working containers end to end: an image made from Debian's busybox-static, `hoist run` changing
// it, `hoist commit`, a fresh run of the result, `umoci unpack` agreeing with `hoist unpack`, and
// reproducible commits under SOURCE_DATE_EPOCH.

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/run_command.h"
#include "support/temp_dir.h"
#include "unit/container/container_test_util.h"

using hoist::container::testing::MakeBusyboxRootfs;
using hoist::container::testing::Snapshot;
using hoist::container::testing::SnapshotOptions;
using hoist::testing::CommandResult;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;

namespace {

constexpr const char* kImage = "localhost/test/busybox:1";

struct Env {
  TempDir tmp;
  std::vector<std::string> env;
  bool ok = false;

  Env() {
    env = {"HOIST_STORE=" + tmp / "store"};
    const std::string rootfs = tmp / "rootfs";
    REQUIRE(::mkdir(rootfs.c_str(), 0755) == 0);
    if (!MakeBusyboxRootfs(rootfs)) return;
    auto tar = RunCommand({"tar", "-C", rootfs, "-cf", tmp / "rootfs.tar", "."});
    REQUIRE(tar.exit_code == 0);
    auto imported = Hoist({"import", tmp / "rootfs.tar", kImage});
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    ok = true;
  }
  CommandResult Hoist(const std::vector<std::string>& args, std::vector<std::string> extra = {}) const {
    extra.insert(extra.end(), env.begin(), env.end());
    return RunHoist(args, extra);
  }
  nlohmann::json Json(const std::vector<std::string>& args, std::vector<std::string> extra = {}) const {
    auto r = Hoist(args, extra);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE(!j.is_discarded());
    return j;
  }
};

}  // namespace

TEST_CASE("run, commit and run again: the change is in the new image") {
  Env e;
  if (!e.ok) {
    WARN("busybox-static not installed: skipped");
    return;
  }
  auto run = e.Hoist({"run", "--name", "work", kImage, "sh", "-c", "echo hi > /greeting; rm /bin/vi"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto ps = e.Json({"ps", "-a", "--format", "json"});
  REQUIRE(ps.size() == 1);
  CHECK(ps[0]["Name"] == "work");
  CHECK(ps[0]["Status"] == "exited");
  CHECK(e.Json({"ps", "--format", "json"}).empty());  // nothing running

  auto commit = e.Json({"commit", "--format", "json", "-m", "greet", "work", "localhost/test/greeting:1"});
  CHECK(commit["Added"] == 1);
  CHECK(commit["Deleted"] == 1);

  auto cat = e.Hoist({"run", "--rm", "localhost/test/greeting:1", "cat", "/greeting"});
  CHECK(cat.exit_code == 0);
  CHECK(cat.out == "hi\n");
  auto vi = e.Hoist({"run", "--rm", "localhost/test/greeting:1", "test", "-e", "/bin/vi"});
  CHECK(vi.exit_code == 1);
  CHECK(e.Json({"ps", "-a", "--format", "json"}).size() == 1);  // --rm left nothing behind

  auto history = e.Hoist({"history", "localhost/test/greeting:1"});
  if (history.exit_code == 0) {
    CHECK_THAT(history.out, Catch::Contains("echo hi > /greeting"));
    CHECK_THAT(history.out, Catch::Contains("greet"));
  }

  SECTION("umoci unpack of the committed image gives the same tree as hoist unpack") {
    if (::access("/usr/bin/umoci", X_OK) != 0) return;
    auto umoci = RunCommand({"umoci", "unpack", "--image", e.tmp / "store" + ":localhost/test/greeting:1",
                             e.tmp / "bundle"});
    INFO(umoci.err);
    REQUIRE(umoci.exit_code == 0);
    auto unpack = e.Hoist({"unpack", "localhost/test/greeting:1", e.tmp / "tree"});
    INFO(unpack.err);
    REQUIRE(unpack.exit_code == 0);
    SnapshotOptions o{true, true, ""};
    auto ours = Snapshot(e.tmp / "tree", o);
    CHECK(ours == Snapshot(e.tmp / "bundle/rootfs", o));
    CHECK(ours.count("greeting") == 1);
    CHECK(ours.count("bin/vi") == 0);
    // The container's own tree is the same as well (it never held the run's mount points).
    auto c = e.Json({"ps", "-a", "--format", "json"})[0]["Id"].get<std::string>();
    CHECK(Snapshot(e.tmp / "store/.hoist/containers/" + c + "/rootfs", SnapshotOptions{false, true, ""}) ==
          Snapshot(e.tmp / "tree", SnapshotOptions{false, true, ""}));
  }
  SECTION("commit --from a directory edited by other means") {
    REQUIRE(e.Hoist({"unpack", kImage, e.tmp / "edit"}).exit_code == 0);
    hoist::testing::WriteFile(e.tmp / "edit/etc/motd", "welcome\n");
    REQUIRE(e.Hoist({"commit", "--from", kImage, "-c", "CMD [\"cat\", \"/etc/motd\"]", e.tmp / "edit",
                     "localhost/test/motd:1"})
                .exit_code == 0);
    auto motd = e.Hoist({"run", "--rm", "localhost/test/motd:1"});
    CHECK(motd.exit_code == 0);
    CHECK(motd.out == "welcome\n");
  }
  SECTION("prune keeps what a container's image needs, even once the image has no name") {
    REQUIRE(e.Hoist({"rmi", kImage}).exit_code == 0);
    auto prune = e.Hoist({"prune", "--all"});
    INFO(prune.err);
    REQUIRE(prune.exit_code == 0);
    auto commit = e.Hoist({"commit", "work", "localhost/test/after-prune:1"});
    INFO(commit.err);
    REQUIRE(commit.exit_code == 0);
    CHECK(e.Hoist({"fsck"}).exit_code == 0);
    auto cat = e.Hoist({"run", "--rm", "localhost/test/after-prune:1", "cat", "/greeting"});
    CHECK(cat.out == "hi\n");
  }
  SECTION("rm removes the container and its files") {
    auto rm = e.Hoist({"rm", "work"});
    CHECK(rm.exit_code == 0);
    CHECK(e.Json({"ps", "-a", "--format", "json"}).empty());
    CHECK(e.Hoist({"rm", "work"}).exit_code == 3);
  }
}

TEST_CASE("the same change committed twice with SOURCE_DATE_EPOCH gives the same digests") {
  Env e;
  if (!e.ok) return;
  std::vector<std::string> sde = {"SOURCE_DATE_EPOCH=1700000000"};
  std::vector<nlohmann::json> commits;
  for (const char* name : {"one", "two"}) {
    auto run = e.Hoist({"run", "--name", name, kImage, "sh", "-c", "echo hi > /greeting; rm /bin/vi"});
    REQUIRE(run.exit_code == 0);
    ::sleep(1);  // different real mtimes for the two runs
    commits.push_back(e.Json({"commit", "--format", "json", name, std::string("localhost/test/repro:") + name}, sde));
  }
  CHECK(commits[0]["Layer"] == commits[1]["Layer"]);
  CHECK(commits[0]["Digest"] == commits[1]["Digest"]);
  CHECK(commits[0]["Id"] == commits[1]["Id"]);
}

TEST_CASE("exit codes of the command propagate and a missing command is a clear error") {
  Env e;
  if (!e.ok) return;
  CHECK(e.Hoist({"run", "--rm", kImage, "sh", "-c", "exit 42"}).exit_code == 42);
  // The command is PID 1, which ignores a signal it has no handler for (as in docker): --init has one.
  CHECK(e.Hoist({"run", "--rm", "--init", kImage, "sh", "-c", "kill -TERM $$"}).exit_code == 128 + SIGTERM);
  CHECK(e.Hoist({"run", "--rm", kImage, "sh", "-c", "kill -TERM $$; exit 7"}).exit_code == 7);
  auto missing = e.Hoist({"run", "--rm", kImage, "no-such-command"});
  CHECK(missing.exit_code == 127);
  CHECK_THAT(missing.err, Catch::Contains("\"no-such-command\" not found in the image"));
  auto no_image = e.Hoist({"run", "--rm", "--pull=never", "localhost/test/nothing:1", "sh"});
  CHECK(no_image.exit_code == 3);
  auto env = e.Hoist({"run", "--rm", "-e", "GREETING=hello", "-e", "LIST=a,b", "-w", "/tmp", kImage, "sh", "-c",
                      "echo $GREETING $LIST $PWD"});
  CHECK(env.out == "hello a,b /tmp\n");
  auto input = RunHoist({"run", "--rm", "-i", kImage, "cat"}, e.env, "piped\n");
  CHECK(input.out == "piped\n");
  auto no_input = RunHoist({"run", "--rm", kImage, "cat"}, e.env, "ignored\n");
  CHECK(no_input.out.empty());
  CHECK(e.Json({"ps", "-a", "--format", "json"}).empty());
}
