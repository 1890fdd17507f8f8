// The sandbox's confinement through the command line (issue 17): `hoist run` with its
// --cap-add/--cap-drop/--privileged flags, and build RUN steps, which see the same restrictions
// unless the build grants `--allow security.insecure` to a RUN --security=insecure.

#include <unistd.h>

#include <catch2/catch.hpp>

#include "integration/build_test_support.h"

using hoist::testing::BuildEnv;
using hoist::testing::kBuildBase;

namespace {

// The lines of `text` that start with one of CapEff, CapBnd, Seccomp, NoNewPrivs.
std::string Confinement(const std::string& status) {
  std::string out;
  size_t pos = 0;
  while (pos < status.size()) {
    size_t end = status.find('\n', pos);
    if (end == std::string::npos) end = status.size();
    std::string line = status.substr(pos, end - pos);
    for (const char* key : {"CapEff:", "CapBnd:", "Seccomp:", "NoNewPrivs:"}) {
      if (line.rfind(key, 0) == 0) {
        size_t v = line.find_first_not_of(" \t", std::string(key).size());
        out += std::string(key) + line.substr(v) + "\n";
      }
    }
    pos = end + 1;
  }
  return out;
}

#define REQUIRE_ROOT_BUSYBOX(e)                            \
  if (!(e).ok || ::geteuid() != 0) {                       \
    WARN("needs root and busybox-static: skipped");        \
    return;                                                \
  }

}  // namespace

TEST_CASE("hoist run confines the command as docker does, and the cap-add, cap-drop and privileged flags change it") {
  BuildEnv e;
  REQUIRE_ROOT_BUSYBOX(e);
  const std::string status = "cat /proc/self/status";
  CHECK(Confinement(e.Run(kBuildBase, status)) ==
        "CapEff:00000000a80425fb\nCapBnd:00000000a80425fb\nNoNewPrivs:1\nSeccomp:2\n");
  auto added = e.Hoist({"run", "--rm", "--cap-add", "NET_ADMIN", "--cap-drop", "cap_chown", kBuildBase, "cat",
                        "/proc/self/status"});
  INFO(added.err);
  CHECK(Confinement(added.out) == "CapEff:00000000a80435fa\nCapBnd:00000000a80435fa\nNoNewPrivs:1\nSeccomp:2\n");
  auto none = e.Hoist({"run", "--rm", "--cap-drop", "ALL", kBuildBase, "cat", "/proc/self/status"});
  CHECK(Confinement(none.out) == "CapEff:0000000000000000\nCapBnd:0000000000000000\nNoNewPrivs:1\nSeccomp:2\n");
  auto privileged = e.Hoist({"run", "--rm", "--privileged", kBuildBase, "sh", "-c",
                             "busybox mkdir -p /m && busybox mount -t tmpfs none /m && busybox grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status"});
  INFO(privileged.err);
  CHECK(privileged.exit_code == 0);
  CHECK(privileged.out.find("Seccomp:\t0") != std::string::npos);

  auto refused = e.Hoist({"run", "--rm", kBuildBase, "sh", "-c", "busybox mkdir -p /m && busybox mount -t tmpfs none /m"});
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.err, Catch::Contains("permission denied"));  // EPERM from the seccomp filter
  auto bad = e.Hoist({"run", "--rm", "--cap-add", "NET_WIZARD", kBuildBase, "true"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("unknown capability \"NET_WIZARD\""));
}

TEST_CASE("a build RUN step sees the sandbox's restrictions, and security=insecure needs the allow flag") {
  BuildEnv e;
  REQUIRE_ROOT_BUSYBOX(e);
  auto ctx = e.Context("confined", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\n"
                                                   "RUN cat /proc/self/status > /status\n"
                                                   "RUN ! busybox mount -t tmpfs none /tmp && "
                                                   "! echo x > /proc/sys/kernel/hostname && "
                                                   "! busybox unshare -U true\n"}});
  e.Build(ctx, {"-t", "localhost/test/confined:1"});
  CHECK(Confinement(e.Run("localhost/test/confined:1", "cat /status")) ==
        "CapEff:00000000a80425fb\nCapBnd:00000000a80425fb\nNoNewPrivs:1\nSeccomp:2\n");

  auto insecure = e.Context("insecure", {{"Dockerfile", std::string("FROM ") + kBuildBase + "\n"
                                                        "RUN --security=insecure cat /proc/self/status > /status\n"}});
  auto refused = e.Hoist({"build", "-t", "localhost/test/insecure:1", insecure});
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.err, Catch::Contains("Dockerfile:2"));
  CHECK_THAT(refused.err, Catch::Contains("--allow security.insecure"));
  e.Build(insecure, {"--allow", "security.insecure", "-t", "localhost/test/insecure:1"});
  CHECK(e.Run("localhost/test/insecure:1", "busybox grep Seccomp: /status") == "Seccomp:\t0\n");
}
