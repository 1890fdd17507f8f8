#include "container/sandbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "container/image_user.h"
#include "container_test_util.h"
#include "support/temp_dir.h"

using hoist::container::testing::MakeBusyboxRootfs;
using hoist::container::testing::ReadWhole;
using hoist::container::testing::Snapshot;
using hoist::container::testing::SnapshotOptions;

namespace hoist::container {
namespace {

Result<int> Sh(const std::string& rootfs, const std::string& script, SandboxOptions o = {}) {
  o.rootfs = rootfs;
  o.argv = {"sh", "-c", script};
  return RunInSandbox(o);
}

}  // namespace

TEST_CASE("a command runs isolated in a busybox root filesystem") {
  hoist::testing::TempDir tmp;
  if (!MakeBusyboxRootfs(tmp.path())) {
    WARN("busybox-static not installed: skipped");
    return;
  }
  const std::string root = tmp.path();
  const auto before = Snapshot(root, SnapshotOptions{true, false, ""});

  SECTION("exit codes and file changes come back") {
    auto code = Sh(root, "echo hi > /greeting; rm /bin/vi; exit 7");
    REQUIRE(code.ok());
    CHECK(*code == 7);
    CHECK(ReadWhole(root + "/greeting") == "hi\n");
    CHECK(::access((root + "/bin/vi").c_str(), F_OK) != 0);
    auto killed = Sh(root, "kill -9 $$");
    REQUIRE(killed.ok());
    CHECK(*killed == 137);
  }
  SECTION("environment, working directory, hostname and PID namespace") {
    SandboxOptions o;
    o.env = {"FOO=bar"};
    o.working_dir = "/work/dir";
    o.hostname = "box";
    auto code = Sh(root, "echo \"$FOO $PWD $(hostname) $$ $HOME\" > /out", o);
    REQUIRE(code.ok());
    CHECK(*code == 0);
    CHECK(ReadWhole(root + "/out") == "bar /work/dir box 2 /root\n");
  }
  SECTION("proc, dev and a read-only sys are there, and gone again afterwards") {
    auto code = Sh(root,
                   "test -e /proc/self/status && echo x > /dev/null && test -c /dev/urandom && "
                   "! touch /sys/hoist-probe 2>/dev/null && test -e /etc/resolv.conf");
    REQUIRE(code.ok());
    CHECK(*code == 0);
    CHECK(Snapshot(root, SnapshotOptions{true, false, ""}) == before);
  }
  SECTION("users are looked up in the image's /etc/passwd") {
    if (::geteuid() != 0) return;
    SandboxOptions o;
    o.user = "app";
    auto denied = Sh(root, "touch /not-writable-for-app", o);  // / belongs to root
    INFO((denied.ok() ? "" : denied.error().ToString()));
    REQUIRE(denied.ok());
    CHECK(*denied == 1);
    o.user = "1000:staff";
    REQUIRE(::mkdir((root + "/home").c_str(), 0777) == 0);
    REQUIRE(::chmod((root + "/home").c_str(), 0777) == 0);
    auto code = Sh(root, "id -u > /home/out; id -g >> /home/out", o);
    INFO((code.ok() ? "" : code.error().ToString()));
    REQUIRE(code.ok());
    CHECK(ReadWhole(root + "/home/out") == "1000\n50\n");
  }
  SECTION("--network none gives only a loopback interface") {
    SandboxOptions o;
    o.network = SandboxOptions::Network::kNone;
    auto code = Sh(root, "cat /proc/net/dev > /net", o);
    REQUIRE(code.ok());
    std::string net = ReadWhole(root + "/net");
    CHECK(net.find("lo:") != std::string::npos);
    CHECK(net.find("eth0") == std::string::npos);
  }
  SECTION("a missing command is a clear error") {
    SandboxOptions o;
    o.rootfs = root;
    o.argv = {"no-such-tool", "--help"};
    auto code = RunInSandbox(o);
    REQUIRE_FALSE(code.ok());
    CHECK(code.error().code() == ErrorCode::kNotFound);
    CHECK(code.error().message().find("\"no-such-tool\" not found in the image") != std::string::npos);
    o.argv = {};
    CHECK_FALSE(RunInSandbox(o).ok());
  }
}

TEST_CASE("image users resolve by name, id and group") {
  hoist::testing::TempDir tmp;
  if (!MakeBusyboxRootfs(tmp.path())) return;
  auto root = RootDir::Open(tmp.path());
  REQUIRE(root.ok());
  auto app = ResolveImageUser(*root, "app");
  REQUIRE(app.ok());
  CHECK(app->uid == 1000);
  CHECK(app->gid == 1000);
  CHECK(app->home == "/home/app");
  auto ids = ResolveImageUser(*root, "12:34");
  REQUIRE(ids.ok());
  CHECK((ids->uid == 12 && ids->gid == 34));
  auto grp = ResolveImageUser(*root, "root:staff");
  REQUIRE(grp.ok());
  CHECK(grp->gid == 50);
  CHECK(ResolveImageUser(*root, "nobody").error().code() == ErrorCode::kNotFound);
  CHECK(ResolveImageUser(*root, "app:nogroup").error().code() == ErrorCode::kNotFound);
}

}  // namespace hoist::container
