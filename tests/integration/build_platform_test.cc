// hoist build --platform: an image per platform and an index over them, arm64 RUN steps through
// qemu-user-static, FROM resolved per platform, BuildKit's platform ARGs; hoist run --platform.
// The arm64 base is Debian's busybox-static:arm64 (scripts/arm64-busybox, cached beside the hoist
// binary); without qemu's binfmt_misc handler or the .deb the tests are skipped with a warning,
// unless HOIST_REQUIRE_QEMU_TESTS is set, where they fail (scripts/install-deps sets qemu up; CI relies on it).

#include <libgen.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "container/binfmt.h"
#include "integration/build_test_support.h"
#include "support/registry_fixture.h"

using namespace hoist::testing;

namespace {

bool MustRun() { return std::getenv("HOIST_REQUIRE_QEMU_TESTS") != nullptr; }

// Skips (or in CI fails) with `why`.
#define SKIP_UNLESS(cond, why)                    \
  if (!(cond)) {                                  \
    if (MustRun()) FAIL(std::string(why));        \
    WARN(std::string(why) + ": skipped");         \
    return;                                       \
  }

// localhost/test/busybox:multi, an index over the amd64 busybox base and Debian's arm64 one; "" when
// the arm64 .deb cannot be had (the reason in `why`).
bool MakeMultiBase(const BuildEnv& e, std::string& why) {
  std::string bin = HOIST_BINARY;
  std::string cache = std::string(::dirname(bin.data())) + "/test-cache";
  auto fetched = RunCommand({std::string(HOIST_SOURCE_DIR) + "/scripts/arm64-busybox", cache});
  if (fetched.exit_code != 0) {
    why = "Debian's busybox-static:arm64 could not be fetched (" + fetched.err + ")";
    return false;
  }
  std::string deb = fetched.out.substr(0, fetched.out.find('\n'));
  const std::string root = e.tmp / "arm64";
  REQUIRE(RunCommand({"dpkg-deb", "-x", deb, root}).exit_code == 0);
  ::mkdir((root + "/etc").c_str(), 0755);
  for (const char* applet : {"sh", "cat", "uname", "echo"}) {
    REQUIRE(::symlink("busybox", (root + "/bin/" + applet).c_str()) == 0);
  }
  REQUIRE(RunCommand({"tar", "-C", root, "-cf", e.tmp / "arm64.tar", "."}).exit_code == 0);
  auto imported = e.Hoist({"import", "--platform", "linux/arm64", e.tmp / "arm64.tar", "localhost/test/busybox:arm64"});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  auto index = e.Hoist({"index", "create", "localhost/test/busybox:multi", kBuildBase, "localhost/test/busybox:arm64"});
  INFO(index.err);
  REQUIRE(index.exit_code == 0);
  return true;
}

}  // namespace

TEST_CASE("a two-platform build runs its arm64 RUN step through qemu and names an index over both images") {
  BuildEnv e;
  SKIP_UNLESS(e.ok, "busybox-static not installed");
  auto qemu = hoist::container::CheckEmulation(hoist::Platform::Parse("linux/arm64").value(), "arm64 RUN steps");
  SKIP_UNLESS(qemu.ok(), (qemu.ok() ? std::string() : qemu.error().message()));
  std::string why;
  SKIP_UNLESS(MakeMultiBase(e, why), why);

  auto ctx = e.Context("multi", {{"Dockerfile",
                                  "FROM localhost/test/busybox:multi\n"
                                  "ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDARCH\n"
                                  "RUN uname -m > /arch && "
                                  "echo \"$TARGETPLATFORM $TARGETOS $TARGETARCH [$TARGETVARIANT] $BUILDPLATFORM "
                                  "$BUILDARCH\" > /args\n"
                                  "COPY f /f\n"},
                                 {"f", "same\n"}});
  auto built = e.Build(ctx, {"--platform", "linux/amd64,linux/arm64", "--progress", "plain", "-t", "localhost/app:multi"});
  CHECK_THAT(built.err, Catch::Contains("[linux/arm64 2/3] RUN uname -m"));  // ARG is no step of its own
  CHECK_THAT(built.err, Catch::Contains(" DONE "));

  auto raw = e.Hoist({"inspect", "--raw", "localhost/app:multi"});
  INFO(raw.err);
  REQUIRE(raw.exit_code == 0);
  auto index = nlohmann::json::parse(raw.out);
  CHECK(index["mediaType"] == "application/vnd.oci.image.index.v1+json");
  REQUIRE(index["manifests"].size() == 2);
  CHECK(index["manifests"][0]["platform"] == nlohmann::json({{"architecture", "amd64"}, {"os", "linux"}}));
  CHECK(index["manifests"][1]["platform"] == nlohmann::json({{"architecture", "arm64"}, {"os", "linux"}}));

  auto run = [&](const char* platform) {
    auto r = e.Hoist({"run", "--rm", "--platform", platform, "localhost/app:multi", "cat", "/arch", "/args"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out;
  };
  CHECK(run("linux/arm64") == "aarch64\nlinux/arm64 linux arm64 [] linux/amd64 amd64\n");
  CHECK(run("linux/amd64") == "x86_64\nlinux/amd64 linux amd64 [] linux/amd64 amd64\n");

  // Rebuilt unchanged: every step of both platforms cached, the same index.
  auto again = e.Build(ctx, {"--platform", "linux/amd64,linux/arm64", "-q", "-t", "localhost/app:multi"});
  CHECK(again.out == built.out);

  // The index and both images go to a registry through --push.
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  const std::string remote = registry->host() + "/app:multi";
  auto pushed = e.Hoist({"build", "--platform", "linux/amd64,linux/arm64", "-q", "--insecure-registry",
                         registry->host(), "--push", "-t", remote, ctx});
  INFO(pushed.err);
  REQUIRE(pushed.exit_code == 0);
  auto remote_raw = e.Hoist({"inspect", "--raw", "--insecure-registry", registry->host(), "docker://" + remote});
  INFO(remote_raw.err);
  CHECK(remote_raw.out == raw.out);
}

TEST_CASE("a COPY-only build for another platform needs no emulation and makes that platform's image") {
  BuildEnv e;
  auto ctx = e.Context("copy", {{"Dockerfile", "FROM scratch\nARG TARGETARCH\nCOPY f /f-${TARGETARCH}\n"}, {"f", "x\n"}});
  e.Build(ctx, {"--platform", "linux/s390x", "-t", "localhost/app:s390x"});
  auto config = e.Hoist({"inspect", "--config", "localhost/app:s390x"});
  INFO(config.err);
  REQUIRE(config.exit_code == 0);
  auto c = nlohmann::json::parse(config.out);
  CHECK(c["architecture"] == "s390x");
  CHECK(c["os"] == "linux");
}

TEST_CASE("a bad --platform list for build is a usage error naming the value, as run --platform") {
  TempDir dir;
  for (const std::string& bad : {std::string("\xff,,"), std::string("linux/amd64,"), std::string("linux/amd64,linux/amd64"),
                                std::string("bogus/")}) {
    CommandResult r = RunHoist({"build", "--platform", bad, dir.path()}, {"HOIST_STORE=" + dir / "store"});
    INFO(bad << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("hoist: --platform"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}
