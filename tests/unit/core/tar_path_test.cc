#include "core/tar_path.h"

#include <catch2/catch.hpp>

using namespace hoist;

namespace {

TarEntry File(std::string path) {
  TarEntry e;
  e.path = std::move(path);
  return e;
}

TarEntry Dir(std::string path) {
  TarEntry e;
  e.path = std::move(path);
  e.type = TarEntryType::kDirectory;
  return e;
}

TarEntry Link(TarEntryType type, std::string path, std::string target) {
  TarEntry e;
  e.path = std::move(path);
  e.type = type;
  e.link_target = std::move(target);
  return e;
}

void CheckUnsafe(const Result<std::string>& r, const std::string& mentions) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kUnsafePath);
  CHECK_THAT(r.error().message(), Catch::Contains(mentions));
}

}  // namespace

TEST_CASE("CleanEntryPath normalizes separators, dots and trailing slashes") {
  CHECK(CleanEntryPath("./a//b/").value() == "a/b");
  CHECK(CleanEntryPath("a/./b/.").value() == "a/b");
  CHECK(CleanEntryPath("a/../b").value() == "b");
  CHECK(CleanEntryPath("a/b/../../c").value() == "c");
  CHECK(CleanEntryPath("./").value() == ".");
  CHECK(CleanEntryPath(".").value() == ".");
  CHECK(CleanEntryPath("a/..").value() == ".");
  CHECK(CleanEntryPath("...").value() == "...");
  CHECK(CleanEntryPath("..a/b..").value() == "..a/b..");
}

TEST_CASE("CleanEntryPath rejects paths that leave the root") {
  CheckUnsafe(CleanEntryPath("../x"), "\"../x\"");
  CheckUnsafe(CleanEntryPath("/etc/x"), "absolute");
  CheckUnsafe(CleanEntryPath("a/../../x"), "escapes");
  CheckUnsafe(CleanEntryPath("./.."), "escapes");
  CheckUnsafe(CleanEntryPath(""), "empty");
  CheckUnsafe(CleanEntryPath(std::string("a\0b", 3)), "NUL");
}

TEST_CASE("QuotePath escapes binary bytes and cuts long names") {
  CHECK(QuotePath("a\"b") == "\"a\\\"b\"");
  CHECK(QuotePath("\x01\xff") == "\"\\x01\\xff\"");
  std::string q = QuotePath(std::string(1000, 'a'));
  CHECK(q.size() < 300);
  CHECK_THAT(q, Catch::Contains("1000 bytes"));
}

TEST_CASE("a layer's absolute names are read inside the root") {
  CHECK(CleanLayerEntryPath("/").value() == ".");
  CHECK(CleanLayerEntryPath("//").value() == ".");
  CHECK(CleanLayerEntryPath("/etc/x").value() == "etc/x");
  CHECK(CleanLayerEntryPath("//etc//x/").value() == "etc/x");
  CHECK(CleanLayerEntryPath("./etc").value() == "etc");
  CHECK(CleanLayerEntryPath("/a/../b").value() == "b");
}

TEST_CASE("a layer's absolute names still may not climb above the root") {
  CheckUnsafe(CleanLayerEntryPath("/../etc/x"), "\"/../etc/x\" escapes");
  CheckUnsafe(CleanLayerEntryPath("/a/../../x"), "escapes");
  CheckUnsafe(CleanLayerEntryPath("../x"), "escapes");
  CheckUnsafe(CleanLayerEntryPath(""), "empty");
  CheckUnsafe(CleanLayerEntryPath(std::string("/a\0b", 4)), "NUL");
}

TEST_CASE("the path checker for layers takes a root entry \"/\" and absolute names and hardlinks") {
  TarPathChecker c(AbsoluteNames::kInRoot);
  CHECK(c.Check(Dir("/")).value() == ".");
  CHECK(c.Check(Dir("/etc/")).value() == "etc");
  CHECK(c.Check(File("/etc/hello")).value() == "etc/hello");
  CHECK(c.Check(Link(TarEntryType::kHardlink, "etc/again", "/etc/hello")).value() == "etc/again");
  CheckUnsafe(c.Check(Link(TarEntryType::kSymlink, "/", "/x")), "extraction root");
  REQUIRE(c.Check(Link(TarEntryType::kSymlink, "/s", "/etc")).ok());
  CheckUnsafe(c.Check(File("s/passwd")), "symlink \"s\"");
  CheckUnsafe(c.Check(Link(TarEntryType::kHardlink, "x", "/../etc/passwd")), "outside");
}

TEST_CASE("the path checker accepts an ordinary archive") {
  TarPathChecker c;
  CHECK(c.Check(Dir("./")).value() == ".");
  CHECK(c.Check(Dir("usr/")).value() == "usr");
  CHECK(c.Check(File("usr/bin/sh")).value() == "usr/bin/sh");
  CHECK(c.Check(Link(TarEntryType::kSymlink, "bin", "usr/bin")).ok());
  CHECK(c.Check(Link(TarEntryType::kSymlink, "etc/mtab", "/proc/self/mounts")).ok());
  CHECK(c.Check(Link(TarEntryType::kHardlink, "usr/bin/bash", "usr/bin/sh")).ok());
  CHECK(c.Check(Link(TarEntryType::kSymlink, "lib/up", "../../../..")).ok());  // created, not followed
}

TEST_CASE("the path checker rejects writing through an earlier symlink") {
  {
    TarPathChecker c;
    REQUIRE(c.Check(Link(TarEntryType::kSymlink, "a", "/etc")).ok());
    CheckUnsafe(c.Check(File("a/passwd")), "\"a/passwd\"");
  }
  {
    TarPathChecker c;
    REQUIRE(c.Check(Link(TarEntryType::kSymlink, "./d/a", "../..")).ok());
    auto r = c.Check(File("d//a/b/x"));
    CheckUnsafe(r, "symlink \"d/a\"");
  }
  {
    TarPathChecker c;  // even a symlink pointing inside: an archive never needs to write through one
    REQUIRE(c.Check(Link(TarEntryType::kSymlink, "lib", "usr/lib")).ok());
    CheckUnsafe(c.Check(Link(TarEntryType::kSymlink, "lib/evil", "/")), "lib/evil");
  }
}

TEST_CASE("a symlink replaced by a directory no longer blocks entries below it") {
  TarPathChecker c;
  REQUIRE(c.Check(Link(TarEntryType::kSymlink, "a", "/etc")).ok());
  REQUIRE(c.Check(Dir("a/")).ok());
  CHECK(c.Check(File("a/x")).ok());
}

TEST_CASE("the path checker rejects hardlinks that escape or pass through a symlink") {
  {
    TarPathChecker c;
    CheckUnsafe(c.Check(Link(TarEntryType::kHardlink, "x", "../../etc/passwd")), "hardlink \"x\"");
  }
  {
    TarPathChecker c;
    CheckUnsafe(c.Check(Link(TarEntryType::kHardlink, "x", "/etc/passwd")), "outside");
  }
  {
    TarPathChecker c;
    REQUIRE(c.Check(Link(TarEntryType::kSymlink, "s", "/etc")).ok());
    CheckUnsafe(c.Check(Link(TarEntryType::kHardlink, "x", "s/passwd")), "through symlink \"s\"");
  }
  {
    TarPathChecker c;  // a hardlink to a symlink is that symlink under a second name
    REQUIRE(c.Check(Link(TarEntryType::kSymlink, "s", "/etc")).ok());
    REQUIRE(c.Check(Link(TarEntryType::kHardlink, "h", "s")).ok());
    CheckUnsafe(c.Check(File("h/passwd")), "symlink \"h\"");
  }
}

TEST_CASE("the path checker rejects replacing the root with a non-directory") {
  TarPathChecker c;
  CheckUnsafe(c.Check(Link(TarEntryType::kSymlink, "./", "/")), "extraction root");
  CheckUnsafe(c.Check(File("../x")), "escapes");
  CheckUnsafe(c.Check(File("/abs")), "absolute");
}
