#include "core/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "support/temp_dir.h"

using namespace hoist;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;

namespace {

size_t CountEntries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("AtomicWriteFile creates and replaces a file with the given mode") {
  TempDir dir;
  std::string p = dir / "config.json";
  REQUIRE(AtomicWriteFile(p, "first").ok());
  CHECK(ReadFile(p) == "first");
  CHECK(ModeOf(p) == 0644);
  REQUIRE(AtomicWriteFile(p, "second", 0600).ok());
  CHECK(ReadFile(p) == "second");
  CHECK(ModeOf(p) == 0600);
  CHECK(CountEntries(dir.path()) == 1);
}

TEST_CASE("AtomicWriteFile leaves no temp file behind when it fails") {
  TempDir dir;
  REQUIRE(MakeDirs(dir / "target").ok());
  auto st = AtomicWriteFile(dir / "target", "data");  // rename onto a directory fails
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("target"));
  CHECK(CountEntries(dir.path()) == 1);

  auto missing = AtomicWriteFile(dir / "no/such/dir/file", "data");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::kNotFound);
}

TEST_CASE("AtomicFile without Commit removes its temp file and leaves the target alone") {
  TempDir dir;
  std::string p = dir / "blob";
  REQUIRE(AtomicWriteFile(p, "old").ok());
  {
    auto f = AtomicFile::Create(p).value();
    REQUIRE(f->Write("new content").ok());
    CHECK(CountEntries(dir.path()) == 2);
  }
  CHECK(CountEntries(dir.path()) == 1);
  CHECK(ReadFile(p) == "old");
}

TEST_CASE("AtomicFile Commit makes the content appear at once") {
  TempDir dir;
  std::string p = dir / "blob";
  auto f = AtomicFile::Create(p).value();
  REQUIRE(f->Write("part one, ").ok());
  REQUIRE(f->Write("part two").ok());
  CHECK_FALSE(std::filesystem::exists(p));
  REQUIRE(f->Commit().ok());
  CHECK(ReadFile(p) == "part one, part two");
  CHECK_FALSE(f->Write("late").ok());
  CHECK(CountEntries(dir.path()) == 1);
}

TEST_CASE("an AtomicFile larger than the writeback step keeps every byte in order") {
  TempDir dir;
  std::string p = dir / "big";
  std::string expected;
  auto f = AtomicFile::Create(p).value();
  for (int i = 0; i < 300; ++i) {  // ~19 MiB in odd-sized pieces: writeback starts twice mid-file
    std::string piece(65521, static_cast<char>('a' + i % 26));
    expected += piece;
    REQUIRE(f->Write(piece).ok());
  }
  REQUIRE(f->Commit().ok());
  CHECK(ReadFile(p) == expected);
}

TEST_CASE("an exclusive lock excludes a second locker on another descriptor") {
  TempDir dir;
  std::string p = dir / "lock";
  auto first = FileLock::Acquire(p);
  REQUIRE(first.ok());
  auto second = FileLock::TryAcquire(p);
  REQUIRE(second.ok());
  CHECK_FALSE(second->has_value());
  CHECK_FALSE(FileLock::TryAcquire(p, FileLock::Mode::kShared).value().has_value());
  first->Release();
  auto third = FileLock::TryAcquire(p).value();
  REQUIRE(third.has_value());
  CHECK(third->held());
}

TEST_CASE("shared locks coexist and keep an exclusive locker out") {
  TempDir dir;
  std::string p = dir / "lock";
  auto a = FileLock::Acquire(p, FileLock::Mode::kShared).value();
  auto b = FileLock::TryAcquire(p, FileLock::Mode::kShared).value();
  CHECK(b.has_value());
  CHECK_FALSE(FileLock::TryAcquire(p, FileLock::Mode::kExclusive).value().has_value());
}

TEST_CASE("a blocking Acquire in another process waits for the holder to release") {
  TempDir dir;
  std::string p = dir / "lock";
  auto held = FileLock::Acquire(p).value();
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    held.Release();  // the child inherited the parent's descriptor; drop that copy
    bool busy = !FileLock::TryAcquire(p).value().has_value();
    auto got = FileLock::Acquire(p);  // blocks until the parent releases
    ::_exit(busy && got.ok() ? 0 : 1);
  }
  ::usleep(200 * 1000);
  int status = 0;
  CHECK(::waitpid(child, &status, WNOHANG) == 0);  // still waiting
  held.Release();
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("MakeDirs creates missing parents and accepts existing directories") {
  TempDir dir;
  std::string deep = dir / "a/b/c";
  REQUIRE(MakeDirs(deep).ok());
  CHECK(std::filesystem::is_directory(deep));
  CHECK(MakeDirs(deep).ok());
  CHECK(MakeDirs(deep + "/").ok());
  REQUIRE(AtomicWriteFile(dir / "file", "x").ok());
  auto st = MakeDirs(dir / "file/sub");
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("file"));
}

TEST_CASE("DirName splits like dirname(1)") {
  CHECK(DirName("a/b/c") == "a/b");
  CHECK(DirName("a/b/c/") == "a/b");
  CHECK(DirName("c") == ".");
  CHECK(DirName("/c") == "/");
  CHECK(DirName("/") == "/");
  CHECK(DirName("a//b") == "a");
}

TEST_CASE("ReadFileToString enforces its limit") {
  TempDir dir;
  REQUIRE(AtomicWriteFile(dir / "f", "12345").ok());
  CHECK(ReadFileToString(dir / "f", 5).value() == "12345");
  auto big = ReadFileToString(dir / "f", 4);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code() == ErrorCode::kTooLarge);
  CHECK(ReadFileToString(dir / "missing", 5).error().code() == ErrorCode::kNotFound);
}

TEST_CASE("ListDirNames gives the entry names sorted, without . and ..") {
  TempDir dir;
  REQUIRE(AtomicWriteFile(dir / "b", "").ok());
  REQUIRE(AtomicWriteFile(dir / "a", "").ok());
  REQUIRE(MakeDirs(dir / "c/d").ok());
  REQUIRE(::symlink("missing", (dir / ".hidden").c_str()) == 0);
  CHECK(ListDirNames(dir.path()).value() == std::vector<std::string>{".hidden", "a", "b", "c"});
  REQUIRE(MakeDirs(dir / "empty").ok());
  CHECK(ListDirNames(dir / "empty").value().empty());
}

TEST_CASE("ListDirNames refuses a missing directory and ListDirNamesIfExists lists it as empty") {
  TempDir dir;
  auto missing = ListDirNames(dir / "missing");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::kNotFound);
  CHECK(missing.error().message().find(dir / "missing") != std::string::npos);
  CHECK(ListDirNamesIfExists(dir / "missing").value().empty());
  // Only a missing directory is empty: a file where the directory should be is still an error.
  REQUIRE(AtomicWriteFile(dir / "file", "x").ok());
  CHECK_FALSE(ListDirNamesIfExists(dir / "file").ok());
}

TEST_CASE("ListDirNames of an open directory lists it and leaves the descriptor usable") {
  TempDir dir;
  REQUIRE(AtomicWriteFile(dir / "b", "").ok());
  REQUIRE(AtomicWriteFile(dir / "a", "").ok());
  int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CHECK(ListDirNames(fd, "the test dir").value() == std::vector<std::string>{"a", "b"});
  CHECK(ListDirNames(fd, "the test dir").value() == std::vector<std::string>{"a", "b"});  // again: not used up
  CHECK(::fcntl(fd, F_GETFD) != -1);  // still open
  ::close(fd);
  auto bad = ListDirNames(-1, "the closed dir");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message().find("the closed dir") != std::string::npos);
}

namespace {

// Bytes of disk the file holds (its blocks), whatever its size says.
uint64_t Allocated(int fd) {
  struct stat st;
  REQUIRE(::fstat(fd, &st) == 0);
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

}  // namespace

TEST_CASE("SpaceReserver keeps at most 64 MiB reserved past the bytes written, whatever size is claimed") {
  hoist::testing::TempDir dir;
  const std::string path = dir / "blob";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  const int64_t claimed = int64_t{900} << 30;  // a hostile manifest's 900 GB layer
  SpaceReserver reserve(claimed);
  reserve.Wrote(fd, 0);
  CHECK(Allocated(fd) <= SpaceReserver::kReserveAhead);
  const std::string chunk(1 << 20, 'x');
  uint64_t end = 0;
  for (int i = 0; i < 40; ++i) {  // 40 MiB: past half the first reservation, so it is topped up
    REQUIRE(::write(fd, chunk.data(), chunk.size()) == static_cast<ssize_t>(chunk.size()));
    end += chunk.size();
    reserve.Wrote(fd, end);
    CHECK(Allocated(fd) <= end + SpaceReserver::kReserveAhead + (1 << 20));
  }
  struct stat st;
  REQUIRE(::fstat(fd, &st) == 0);
  CHECK(static_cast<uint64_t>(st.st_size) == end);  // the size is the bytes written, never the reservation

  // Truncated (a restarted download): what was reserved went with it, and is reserved again from 0.
  REQUIRE(::ftruncate(fd, 0) == 0);
  reserve.Wrote(fd, 0);
  CHECK(Allocated(fd) <= SpaceReserver::kReserveAhead);
  ::close(fd);
}

TEST_CASE("SpaceReserver reserves nothing for a file of unknown size") {
  hoist::testing::TempDir dir;
  const std::string path = dir / "blob";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  SpaceReserver reserve(-1);
  reserve.Wrote(fd, 0);
  CHECK(Allocated(fd) == 0);
  ::close(fd);
}
