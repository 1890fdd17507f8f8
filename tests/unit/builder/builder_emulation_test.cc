// hoist build's qemu check (container/binfmt.h) before any step runs: a foreign RUN step needs a handler,
// a COPY-only build for another platform does not look for one.

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "builder/builder.h"
#include "support/temp_dir.h"

using hoist::Platform;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

TEST_CASE("hoist build stops before running any step when a foreign RUN step has no qemu handler") {
  TempDir dir;
  ::mkdir((dir / "binfmt").c_str(), 0755);  // binfmt_misc not mounted
  ::mkdir((dir / "ctx").c_str(), 0755);
  WriteFile(dir / "ctx/Dockerfile", "FROM scratch\nCOPY f /f\nRUN touch /ran\n");
  WriteFile(dir / "ctx/f", "x");
  auto layout = hoist::store::OciLayout::Open(dir / "store", hoist::store::OciLayout::OpenMode::kCreate);
  REQUIRE(layout.ok());
  hoist::builder::BuildOptions options;
  options.context = dir / "ctx";
  options.platform = "linux/amd64,linux/arm64";
  options.binfmt_dir = dir / "binfmt";
  options.quiet = true;
  if (Platform::Host().architecture != "amd64") options.platform = "linux/amd64";
  auto built = hoist::builder::Build(*layout, options);
  REQUIRE_FALSE(built.ok());
  CHECK_THAT(built.error().ToString(), Catch::Contains("Dockerfile:1"));
  CHECK_THAT(built.error().message(), Catch::Contains("need the kernel to run"));
  CHECK_THAT(built.error().message(), Catch::Contains("apt-get install qemu-user-static"));
  struct stat st;
  CHECK(::stat(layout->paths().BuildCacheDir().c_str(), &st) != 0);  // not even the COPY step ran
}

TEST_CASE("a COPY-only build for another platform does not look for qemu") {
  TempDir dir;
  ::mkdir((dir / "ctx").c_str(), 0755);
  WriteFile(dir / "ctx/Dockerfile", "FROM scratch\nCOPY f /f\n");
  WriteFile(dir / "ctx/f", "x");
  auto layout = hoist::store::OciLayout::Open(dir / "store", hoist::store::OciLayout::OpenMode::kCreate);
  REQUIRE(layout.ok());
  hoist::builder::BuildOptions options;
  options.context = dir / "ctx";
  options.platform = "linux/riscv64";
  options.binfmt_dir = dir / "nothing-here";
  options.quiet = true;
  auto built = hoist::builder::Build(*layout, options);
  INFO((built.ok() ? "" : built.error().message()));
  CHECK(built.ok());
}
