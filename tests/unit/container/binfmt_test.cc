// The qemu handler check of RUN steps for another architecture (container/binfmt.h), against a temp dir
// standing in for /proc/sys/fs/binfmt_misc.

#include <catch2/catch.hpp>

#include "container/binfmt.h"
#include "support/temp_dir.h"

using hoist::Platform;
using hoist::container::CheckEmulation;
using hoist::container::QemuArchitecture;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

const Platform kAmd64 = Platform::Parse("linux/amd64").value();
const Platform kArm64 = Platform::Parse("linux/arm64").value();

// Debian's qemu-user-static registration, as the kernel shows it.
std::string Entry(const std::string& state, const std::string& flags) {
  return state + "\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: " + flags +
         "\noffset 0\nmagic 7f454c460201010000000000000000000200b700\n";
}

std::string Message(const hoist::Status& s) { return s.ok() ? "" : s.error().message(); }

}  // namespace

TEST_CASE("qemu names the architectures this machine cannot run natively") {
  CHECK(QemuArchitecture(kArm64, kAmd64) == "aarch64");
  CHECK(QemuArchitecture(kAmd64, kArm64) == "x86_64");
  CHECK(QemuArchitecture(Platform::Parse("linux/arm/v7").value(), kAmd64) == "arm");
  CHECK(QemuArchitecture(Platform::Parse("linux/386").value(), kAmd64).empty());
  CHECK(QemuArchitecture(kAmd64, kAmd64).empty());
  CHECK(QemuArchitecture(Platform::Parse("linux/aarch64").value(), kArm64).empty());
}

TEST_CASE("the native platform needs no binfmt_misc at all") {
  CHECK(CheckEmulation(kAmd64, "RUN steps", "/nonexistent", kAmd64).ok());
}

TEST_CASE("an enabled qemu-aarch64 handler with the F flag lets arm64 programs run") {
  TempDir dir;
  WriteFile(dir / "status", "enabled\n");
  WriteFile(dir / "register", "");
  WriteFile(dir / "qemu-aarch64", Entry("enabled", "PF"));
  CHECK(CheckEmulation(kArm64, "RUN steps for linux/arm64", dir.path(), kAmd64).ok());
}

TEST_CASE("a handler found by its interpreter's name counts too") {
  TempDir dir;
  WriteFile(dir / "status", "enabled\n");
  WriteFile(dir / "arm64", "enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\n");
  CHECK(CheckEmulation(kArm64, "RUN steps", dir.path(), kAmd64).ok());
}

TEST_CASE("binfmt_misc not mounted: the message says how to mount it and get qemu") {
  TempDir dir;  // no status file: nothing mounted here
  std::string m = Message(CheckEmulation(kArm64, "RUN steps for linux/arm64", dir.path(), kAmd64));
  CHECK_THAT(m, Catch::Contains("RUN steps for linux/arm64 need the kernel to run aarch64 programs"));
  CHECK_THAT(m, Catch::Contains("binfmt_misc is not mounted at " + dir.path()));
  CHECK_THAT(m, Catch::Contains("apt-get install qemu-user-static"));
  CHECK_THAT(m, Catch::Contains("mount -t binfmt_misc binfmt_misc " + dir.path()));
  CHECK_THAT(m, Catch::Contains("update-binfmts --enable qemu-aarch64"));
}

TEST_CASE("no qemu-aarch64 handler: the message says to install qemu-user-static") {
  TempDir dir;
  WriteFile(dir / "status", "enabled\n");
  WriteFile(dir / "register", "");
  WriteFile(dir / "qemu-arm", "enabled\ninterpreter /usr/libexec/qemu-binfmt/arm-binfmt-P\nflags: PF\n");
  std::string m = Message(CheckEmulation(kArm64, "RUN steps", dir.path(), kAmd64));
  CHECK_THAT(m, Catch::Contains("has no qemu-aarch64 handler"));
  CHECK_THAT(m, Catch::Contains("apt-get install qemu-user-static"));
}

TEST_CASE("a handler without the F flag is refused: its interpreter is not in the container") {
  TempDir dir;
  WriteFile(dir / "status", "enabled\n");
  WriteFile(dir / "qemu-aarch64", Entry("enabled", "P"));
  std::string m = Message(CheckEmulation(kArm64, "RUN steps", dir.path(), kAmd64));
  CHECK_THAT(m, Catch::Contains("lacks the F flag"));
}

TEST_CASE("a disabled handler or a disabled binfmt_misc says how to enable it") {
  TempDir dir;
  WriteFile(dir / "status", "enabled\n");
  WriteFile(dir / "qemu-aarch64", Entry("disabled", "PF"));
  CHECK_THAT(Message(CheckEmulation(kArm64, "RUN steps", dir.path(), kAmd64)),
             Catch::Contains("update-binfmts --enable qemu-aarch64"));
  WriteFile(dir / "status", "disabled\n");
  CHECK_THAT(Message(CheckEmulation(kArm64, "RUN steps", dir.path(), kAmd64)),
             Catch::Contains("binfmt_misc is disabled"));
}

TEST_CASE("another OS cannot be emulated") {
  CHECK_THAT(Message(CheckEmulation(Platform::Parse("windows/amd64").value(), "RUN steps", "/x", kAmd64)),
             Catch::Contains("cannot run on linux"));
}
