// OutputFile: a user-named output replaces a regular file atomically and writes into anything else.
// Device nodes are made with mknod in a temp dir (the tests run as root); a real /dev node is never
// named, so a regression cannot replace the machine's /dev/full again.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <string>

#include "core/fs.h"
#include "core/output_file.h"
#include "support/temp_dir.h"

using namespace hoist;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

struct stat LStat(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

// A character device node like /dev/null (1,3) or /dev/full (1,7), inside `dir`.
std::string MakeCharDevice(const TempDir& dir, const std::string& name, unsigned minor) {
  std::string p = dir / name;
  if (::mknod(p.c_str(), S_IFCHR | 0666, makedev(1, minor)) != 0) {
    FAIL("mknod " << p << " failed (errno " << errno << "): these tests need root");
  }
  return p;
}

size_t CountEntries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("an output into a character device writes into it and leaves the node in place") {
  TempDir dir;
  std::string null = MakeCharDevice(dir, "null", 3);
  struct stat before = LStat(null);
  REQUIRE(WriteOutputFile(null, "bytes nobody keeps").ok());
  struct stat after = LStat(null);
  CHECK(S_ISCHR(after.st_mode));
  CHECK(after.st_rdev == before.st_rdev);
  CHECK(after.st_ino == before.st_ino);
  CHECK(CountEntries(dir.path()) == 1);  // no temp file left beside it
}

TEST_CASE("an output into a full device fails with the device's ENOSPC and keeps the node") {
  TempDir dir;
  std::string full = MakeCharDevice(dir, "full", 7);
  struct stat before = LStat(full);
  auto file = OutputFile::Open(full);
  REQUIRE(file.ok());
  CHECK_FALSE((*file)->atomic());
  auto st = (*file)->Write(std::string(4096, 'x'));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kIO);
  CHECK(st.error().message().find("No space left on device") != std::string::npos);
  (*file)->Abandon();
  struct stat after = LStat(full);
  CHECK(S_ISCHR(after.st_mode));
  CHECK(after.st_rdev == before.st_rdev);
  CHECK(after.st_ino == before.st_ino);
}

TEST_CASE("an output into a FIFO streams to its reader and the FIFO stays a FIFO") {
  TempDir dir;
  std::string fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string payload(300000, 'p');  // more than a pipe buffer: the writer must block on the reader
  auto reader = std::async(std::launch::async, [&] { return ReadFile(fifo); });
  REQUIRE(WriteOutputFile(fifo, payload).ok());
  CHECK(reader.get() == payload);
  CHECK(S_ISFIFO(LStat(fifo).st_mode));
  CHECK(CountEntries(dir.path()) == 1);
}

TEST_CASE("an output through a symlink replaces the regular target and keeps the link") {
  TempDir dir;
  WriteFile(dir / "real.tar", "old");
  REQUIRE(::symlink("real.tar", (dir / "link.tar").c_str()) == 0);
  REQUIRE(WriteOutputFile(dir / "link.tar", "new").ok());
  CHECK(S_ISLNK(LStat(dir / "link.tar").st_mode));
  CHECK(S_ISREG(LStat(dir / "real.tar").st_mode));
  CHECK(ReadFile(dir / "real.tar") == "new");
  CHECK(CountEntries(dir.path()) == 2);
}

TEST_CASE("an output through a chain of symlinks to a device writes into the device") {
  TempDir dir;
  std::string null = MakeCharDevice(dir, "null", 3);
  REQUIRE(::symlink(null.c_str(), (dir / "a").c_str()) == 0);
  REQUIRE(::symlink("a", (dir / "b").c_str()) == 0);
  REQUIRE(WriteOutputFile(dir / "b", "x").ok());
  CHECK(S_ISLNK(LStat(dir / "b").st_mode));
  CHECK(S_ISLNK(LStat(dir / "a").st_mode));
  CHECK(S_ISCHR(LStat(null).st_mode));
}

TEST_CASE("an output through a dangling symlink creates its target") {
  TempDir dir;
  REQUIRE(::symlink("made.txt", (dir / "link").c_str()) == 0);
  REQUIRE(WriteOutputFile(dir / "link", "hello").ok());
  CHECK(S_ISLNK(LStat(dir / "link").st_mode));
  CHECK(ReadFile(dir / "made.txt") == "hello");
}

TEST_CASE("an output to a symlink loop fails instead of spinning") {
  TempDir dir;
  REQUIRE(::symlink("b", (dir / "a").c_str()) == 0);
  REQUIRE(::symlink("a", (dir / "b").c_str()) == 0);
  auto st = WriteOutputFile(dir / "a", "x");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message().find("kMaxOutputSymlinks") != std::string::npos);
}

TEST_CASE("an output to a regular file or a new path is replaced atomically with the given mode") {
  TempDir dir;
  WriteFile(dir / "old", "old");
  auto file = OutputFile::Open(dir / "old", {0600, true});
  REQUIRE(file.ok());
  CHECK((*file)->atomic());
  REQUIRE((*file)->Write("new").ok());
  CHECK(ReadFile(dir / "old") == "old");  // nothing visible before Commit
  REQUIRE((*file)->Commit().ok());
  CHECK(ReadFile(dir / "old") == "new");
  CHECK((LStat(dir / "old").st_mode & 07777) == 0600);
  REQUIRE(WriteOutputFile(dir / "fresh", "f").ok());
  CHECK(ReadFile(dir / "fresh") == "f");
}

TEST_CASE("an output that must be a regular file refuses a device or FIFO and leaves it alone") {
  TempDir dir;
  std::string null = MakeCharDevice(dir, "null", 3);
  std::string fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& p : {null, fifo}) {
    auto st = WriteOutputFile(p, "secret", {0600, /*allow_special=*/false});
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message().find("must be a regular file") != std::string::npos);
  }
  CHECK(S_ISCHR(LStat(null).st_mode));
  CHECK(S_ISFIFO(LStat(fifo).st_mode));
  CHECK(CountEntries(dir.path()) == 2);
}

TEST_CASE("an output to a directory is an error that names it") {
  TempDir dir;
  REQUIRE(::mkdir((dir / "d").c_str(), 0755) == 0);
  auto st = WriteOutputFile(dir / "d", "x");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message().find("is a directory") != std::string::npos);
}

TEST_CASE("an output through /proc's magic link to a pipe (what /dev/stdout is) writes into the pipe") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  REQUIRE(WriteOutputFile("/proc/self/fd/" + std::to_string(p[1]), "through the pipe").ok());
  ::close(p[1]);
  char buf[64];
  ssize_t n = ::read(p[0], buf, sizeof buf);
  ::close(p[0]);
  REQUIRE(n > 0);
  CHECK(std::string(buf, static_cast<size_t>(n)) == "through the pipe");
}
