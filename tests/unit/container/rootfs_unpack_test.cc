#include "container/rootfs_unpack.h"

#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "container_test_util.h"
#include "core/compression.h"
#include "support/temp_dir.h"

using hoist::container::testing::LayerBuilder;
using hoist::container::testing::ReadWhole;
using hoist::container::testing::Snapshot;
using hoist::container::testing::SnapshotOptions;
using Tree = std::map<std::string, std::string>;

namespace hoist::container {
namespace {

// Applies the layers one after the other into a fresh directory and returns the tree.
Tree Unpack(const std::vector<std::string>& layers) {
  hoist::testing::TempDir tmp;
  auto root = RootDir::Open(tmp.path());
  REQUIRE(root.ok());
  for (const auto& layer : layers) {
    StringReader r(layer);
    auto s = ApplyLayer(*root, r);
    INFO((s.ok() ? "" : s.error().ToString()));
    REQUIRE(s.ok());
  }
  return Snapshot(tmp.path());
}

struct WalkMode {
  explicit WalkMode(bool manual) { RootDir::DisableOpenat2ForTesting(manual); }
  ~WalkMode() { RootDir::DisableOpenat2ForTesting(false); }
};

}  // namespace

TEST_CASE("whiteouts and opaque directories unpack to the tree the OCI spec prescribes") {
  bool manual = GENERATE(false, true);
  WalkMode mode(manual);
  std::string base = LayerBuilder().Dir("a").File("a/f", "F").File("a/g", "G").Dir("d").File("d/x", "X")
                         .Dir("d/sub").File("d/sub/y", "Y").File("top", "T").Take();
  SECTION("delete a file") {
    Tree t = Unpack({base, LayerBuilder().Whiteout("a/.wh.f").Take()});
    CHECK(t == Tree{{"a", "d 755"}, {"a/g", "f 644 G"}, {"d", "d 755"}, {"d/x", "f 644 X"},
                    {"d/sub", "d 755"}, {"d/sub/y", "f 644 Y"}, {"top", "f 644 T"}});
  }
  SECTION("delete a directory") {
    Tree t = Unpack({base, LayerBuilder().Whiteout(".wh.d").Whiteout("./.wh.top").Take()});
    CHECK(t == Tree{{"a", "d 755"}, {"a/f", "f 644 F"}, {"a/g", "f 644 G"}});
  }
  SECTION("opaque directory then re-add, the marker after its siblings") {
    Tree t = Unpack({base, LayerBuilder().Dir("d").File("d/new", "N").Dir("d/sub").File("d/sub/z", "Z")
                               .Whiteout("d/.wh..wh..opq").Take()});
    CHECK(t == Tree{{"a", "d 755"}, {"a/f", "f 644 F"}, {"a/g", "f 644 G"}, {"d", "d 755"},
                    {"d/new", "f 644 N"}, {"d/sub", "d 755"}, {"d/sub/z", "f 644 Z"}, {"top", "f 644 T"}});
  }
  SECTION("opaque directory first, then a lower file re-added") {
    Tree t = Unpack({base, LayerBuilder().Dir("d").Whiteout("d/.wh..wh..opq").File("d/x", "X2").Take()});
    CHECK(t.count("d/sub") == 0);
    CHECK(t["d/x"] == "f 644 X2");
  }
  SECTION("replace a file by a directory and back") {
    std::string to_dir = LayerBuilder().Dir("top", 0700).File("top/in", "I").Take();
    CHECK(Unpack({base, to_dir})["top"] == "d 700");
    CHECK(Unpack({base, to_dir})["top/in"] == "f 644 I");
    Tree back = Unpack({base, to_dir, LayerBuilder().File("top", "again", 0600).Take()});
    CHECK(back["top"] == "f 600 again");
    CHECK(back.count("top/in") == 0);
    Tree dir_to_file = Unpack({base, LayerBuilder().File("d", "now a file").Take()});
    CHECK(dir_to_file["d"] == "f 644 now a file");
    CHECK(dir_to_file.count("d/x") == 0);
  }
  SECTION("a whiteout does not hide an entry of its own layer") {
    Tree t = Unpack({base, LayerBuilder().File("a/f", "F2").Whiteout("a/.wh.f").Take()});
    CHECK(t["a/f"] == "f 644 F2");
  }
  SECTION("a whiteout of something that is not there is fine") {
    Tree t = Unpack({base, LayerBuilder().Whiteout("nothing/.wh.here").Whiteout(".wh.missing").Take()});
    CHECK(t.size() == 8);
    CHECK(t.count("nothing") == 0);
  }
}

TEST_CASE("layers keep modes, symlinks, hardlinks, mtimes and compression does not matter") {
  std::string layer = LayerBuilder().Dir("bin", 0555).File("bin/tool", "#!x", 04755).Symlink("bin/sh", "tool")
                          .Hardlink("bin/tool2", "bin/tool").Symlink("abs", "/etc/passwd").Take();
  StringWriter gz;
  auto w = NewCompressingWriter(gz, Compression::kGzip);
  REQUIRE(w.ok());
  REQUIRE((*w)->Write(layer).ok());
  REQUIRE((*w)->Close().ok());
  StringWriter zst;
  auto z = NewCompressingWriter(zst, Compression::kZstd);
  REQUIRE(z.ok());
  REQUIRE((*z)->Write(layer).ok());
  REQUIRE((*z)->Close().ok());
  for (const std::string& bytes : {layer, gz.str(), zst.str()}) {
    hoist::testing::TempDir tmp;
    auto root = RootDir::Open(tmp.path());
    REQUIRE(root.ok());
    StringReader r(bytes);
    auto stats = ApplyLayer(*root, r);
    REQUIRE(stats.ok());
    CHECK(stats->diff_id == Digest::Of(layer));
    CHECK(stats->entries == 5);
    Tree t = Snapshot(tmp.path(), SnapshotOptions{.mtimes = true, .owners = false, .skip = ""});
    CHECK(t == Tree{{"bin", "d 555 @1700000000"}, {"bin/tool", "f 4755 #!x @1700000000"},
                    {"bin/sh", "l -> tool @1700000000"}, {"bin/tool2", "f 4755 #!x @1700000000"},
                    {"abs", "l -> /etc/passwd @1700000000"}});
    struct stat a, b;
    REQUIRE(::stat((tmp.path() + "/bin/tool").c_str(), &a) == 0);
    REQUIRE(::stat((tmp.path() + "/bin/tool2").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
    ::chmod((tmp.path() + "/bin").c_str(), 0755);
  }
}

TEST_CASE("ownership, devices and xattrs are applied when running as root") {
  if (::geteuid() != 0) {
    WARN("not root: skipped");
    return;
  }
  TarEntry owned = LayerBuilder::Base("owned", TarEntryType::kRegular, 0640);
  owned.uid = 1234;
  owned.gid = 5678;
  owned.size = 1;
  owned.xattrs["user.note"] = "hello";
  TarEntry null = LayerBuilder::Base("null", TarEntryType::kCharDevice, 0666);
  null.dev_major = 1;
  null.dev_minor = 3;
  TarEntry link = LayerBuilder::Base("link", TarEntryType::kSymlink, 0777);
  link.link_target = "owned";
  link.uid = 42;
  hoist::testing::TempDir tmp;
  auto root = RootDir::Open(tmp.path());
  REQUIRE(root.ok());
  StringReader r(LayerBuilder().Entry(owned, "x").Entry(null).Entry(link).Take());
  auto stats = ApplyLayer(*root, r);
  REQUIRE(stats.ok());
  Tree t = Snapshot(tmp.path(), SnapshotOptions{.mtimes = false, .owners = true, .skip = ""});
  CHECK(t["owned"] == "f 640 x 1234:5678");
  CHECK(t["null"] == "c 1,3 666 0:0");
  CHECK(t["link"] == "l -> owned 42:0");
  char value[16] = {};
  ssize_t n = ::getxattr((tmp.path() + "/owned").c_str(), "user.note", value, sizeof value);
  if (stats->skipped_xattrs == 0) CHECK(std::string(value, n > 0 ? static_cast<size_t>(n) : 0) == "hello");
}

TEST_CASE("a layer with a root entry \"/\" and absolute names unpacks inside the root (umoci insert writes one)") {
  bool manual = GENERATE(false, true);
  WalkMode mode(manual);
  Tree t = Unpack({LayerBuilder().Dir("etc").File("etc/old", "O").Take(),
                   LayerBuilder().Dir("/", 0755).Dir("/etc/").File("/etc/hello", "hi").File("etc/plain", "P")
                       .Hardlink("/etc/again", "/etc/hello").Hardlink("etc/old2", "//etc/old").Take()});
  CHECK(t == Tree{{"etc", "d 755"}, {"etc/old", "f 644 O"}, {"etc/old2", "f 644 O"}, {"etc/hello", "f 644 hi"},
                  {"etc/again", "f 644 hi"}, {"etc/plain", "f 644 P"}});
}

TEST_CASE("hostile layers are rejected or confined, and nothing outside the root changes") {
  bool manual = GENERATE(false, true);
  WalkMode mode(manual);
  hoist::testing::TempDir tmp;
  const std::string host = tmp / "host";
  const std::string target = tmp / "root";
  REQUIRE(::mkdir(host.c_str(), 0755) == 0);
  REQUIRE(::mkdir(target.c_str(), 0755) == 0);
  hoist::testing::WriteFile(host + "/passwd", "root:x:0:0");
  REQUIRE(::chmod((host + "/passwd").c_str(), 0644) == 0);
  const Tree host_before = Snapshot(tmp.path(), SnapshotOptions{.mtimes = true, .owners = false, .skip = "root"});

  auto apply = [&](const std::string& layer) -> Status {
    HOIST_TRY_ASSIGN(RootDir root, RootDir::Open(target));
    StringReader r(layer);
    auto s = ApplyLayer(root, r);
    if (!s.ok()) return s.error();
    return Ok();
  };
  auto expect_rejected = [&](const std::string& layer) {
    auto s = apply(layer);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code() == ErrorCode::kUnsafePath);
  };

  SECTION("'..' in a path") { expect_rejected(LayerBuilder().File("a/../../host/passwd", "pwned").Take()); }
  SECTION("an absolute path names a path inside the root, as containerd and docker read it") {
    REQUIRE(apply(LayerBuilder().File(host + "/passwd", "pwned").Take()).ok());
    CHECK(ReadWhole(target + host + "/passwd") == "pwned");
    expect_rejected(LayerBuilder().File("/../host/passwd", "pwned").Take());
    expect_rejected(LayerBuilder().File("//a/../../host/passwd", "pwned").Take());
  }
  SECTION("symlink named '.'") { expect_rejected(LayerBuilder().Symlink(".", host).Take()); }
  SECTION("symlink named './'") { expect_rejected(LayerBuilder().Symlink("./", "/").Take()); }
  SECTION("hardlink to a host path") {
    // An absolute target is looked up inside the root, where there is no such file.
    REQUIRE_FALSE(apply(LayerBuilder().Hardlink("stolen", host + "/passwd").Take()).ok());
    CHECK(::access((target + "/stolen").c_str(), F_OK) != 0);
    expect_rejected(LayerBuilder().Hardlink("stolen", "../host/passwd").Take());
  }
  SECTION("whiteout aimed outside") {
    expect_rejected(LayerBuilder().Whiteout("../host/.wh.passwd").Take());
    expect_rejected(LayerBuilder().Whiteout(".wh..").Take());
    expect_rejected(LayerBuilder().Whiteout("x/.wh...").Take());
  }
  SECTION("symlink to a host directory, then a file below it, stays inside") {
    REQUIRE(apply(LayerBuilder().Symlink("etc", host).File("etc/passwd", "pwned").Take()).ok());
    CHECK(ReadWhole(target + host + "/passwd") == "pwned");
    // The same through two layers.
    REQUIRE(apply(LayerBuilder().Symlink("etc2", "../../../../..").Take()).ok());
    REQUIRE(apply(LayerBuilder().File("etc2" + host + "/passwd", "pwned2").Dir("etc2/tmp").Take()).ok());
    CHECK(ReadWhole(target + host + "/passwd") == "pwned2");
  }
  SECTION("hardlink through an in-image symlink to a host file finds no host file") {
    auto s = apply(LayerBuilder().Symlink("etc", host).Hardlink("stolen", "etc/passwd").Take());
    REQUIRE_FALSE(s.ok());
    CHECK(::access((target + "/stolen").c_str(), F_OK) != 0);
  }
  SECTION("chmod, chown and times through a symlink replace the symlink instead") {
    REQUIRE(apply(LayerBuilder().Symlink("p", host + "/passwd").Symlink("h", host).Take()).ok());
    REQUIRE(apply(LayerBuilder().File("p", "mine", 0777).Dir("h", 0777).Take()).ok());
    Tree t = Snapshot(target);
    CHECK(t["p"] == "f 777 mine");
    CHECK(t["h"] == "d 777");
  }
  SECTION("whiteouts through a symlink stay inside") {
    REQUIRE(apply(LayerBuilder().Symlink("etc", host).Take()).ok());
    REQUIRE(apply(LayerBuilder().Whiteout("etc/.wh.passwd").Whiteout("etc/.wh..wh..opq").Take()).ok());
  }
  SECTION("the root itself cannot be replaced") {
    expect_rejected(LayerBuilder().File(".", "x").Take());
  }
  Tree host_after = Snapshot(tmp.path(), SnapshotOptions{.mtimes = true, .owners = false, .skip = "root"});
  CHECK(host_after == host_before);
  CHECK(ReadWhole(host + "/passwd") == "root:x:0:0");
}

}  // namespace hoist::container
