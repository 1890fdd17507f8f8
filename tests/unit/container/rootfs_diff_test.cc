#include "store/rootfs_diff.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>

#include "container/rootfs_unpack.h"
#include "container_test_util.h"
#include "core/tar_reader.h"
#include "support/temp_dir.h"

using hoist::container::testing::LayerBuilder;
using hoist::container::testing::Snapshot;
using hoist::container::testing::SnapshotOptions;

namespace hoist::container {
using store::DiffOptions;
using store::ListRootfsChanges;
using store::WriteRootfsDiff;
namespace {

void ApplyTo(const std::string& dir, const std::string& layer) {
  auto root = RootDir::Open(dir);
  REQUIRE(root.ok());
  StringReader r(layer);
  auto s = ApplyLayer(*root, r);
  INFO((s.ok() ? "" : s.error().ToString()));
  REQUIRE(s.ok());
}

std::vector<std::string> Paths(const std::string& tar_bytes) {
  StringReader r(tar_bytes);
  TarReader tar(r);
  std::vector<std::string> out;
  for (;;) {
    auto e = tar.Next();
    REQUIRE(e.ok());
    if (!*e) break;
    out.push_back((*e)->path);
  }
  return out;
}

std::string Base() {
  return LayerBuilder().Dir("bin").File("bin/vi", "VI", 0755).File("bin/sh", "SH", 0755).Symlink("bin/ash", "sh")
      .Dir("etc").File("etc/passwd", "root").Dir("gone").File("gone/a", "A").Dir("wipe").File("wipe/old1", "1")
      .File("wipe/old2", "2").Dir("keep").File("keep/f", "F").Take();
}

}  // namespace

TEST_CASE("a diff applied to the base reproduces the changed tree") {
  hoist::testing::TempDir tmp;
  const std::string base = tmp / "base", changed = tmp / "changed", replay = tmp / "replay";
  for (const auto& d : {base, changed, replay}) {
    REQUIRE(::mkdir(d.c_str(), 0755) == 0);
    ApplyTo(d, Base());
  }
  REQUIRE(Snapshot(base, {true, false, ""}) == Snapshot(changed, {true, false, ""}));

  // The changes a user makes in a container.
  hoist::testing::WriteFile(changed + "/greeting", "hi\n");
  REQUIRE(::unlink((changed + "/bin/vi").c_str()) == 0);
  hoist::testing::WriteFile(changed + "/etc/passwd", "root:x:0:0");
  REQUIRE(::chmod((changed + "/keep/f").c_str(), 0600) == 0);
  REQUIRE(::unlink((changed + "/gone/a").c_str()) == 0);
  REQUIRE(::rmdir((changed + "/gone").c_str()) == 0);
  REQUIRE(::unlink((changed + "/wipe/old1").c_str()) == 0);
  REQUIRE(::unlink((changed + "/wipe/old2").c_str()) == 0);
  hoist::testing::WriteFile(changed + "/wipe/new", "N");
  REQUIRE(::unlink((changed + "/bin/ash").c_str()) == 0);
  REQUIRE(::symlink("vi", (changed + "/bin/ash").c_str()) == 0);
  REQUIRE(::mkdir((changed + "/new").c_str(), 0700) == 0);
  hoist::testing::WriteFile(changed + "/new/file", "x");
  REQUIRE(::link((changed + "/new/file").c_str(), (changed + "/new/link").c_str()) == 0);

  DiffOptions options;
  options.timestamp = 1600000000;
  StringWriter layer;
  auto stats = WriteRootfsDiff(base, changed, layer, options);
  REQUIRE(stats.ok());
  auto paths = Paths(layer.str());
  CHECK(std::is_sorted(paths.begin(), paths.end()));
  std::set<std::string> set(paths.begin(), paths.end());
  CHECK(set.count("bin/.wh.vi"));
  CHECK(set.count(".wh.gone"));
  CHECK(set.count("wipe/.wh..wh..opq"));
  CHECK_FALSE(set.count("wipe/.wh.old1"));
  CHECK(set.count("new/link"));
  CHECK_FALSE(set.count("keep/"));  // a chmod inside does not change the directory
  CHECK(set.count("keep/f"));
  CHECK(stats->deleted == 3);

  ApplyTo(replay, layer.str());
  // Times are clamped in the layer, so compare without them.
  CHECK(Snapshot(replay) == Snapshot(changed));

  SECTION("the same change gives byte-identical layers") {
    StringWriter again;
    REQUIRE(WriteRootfsDiff(base, changed, again, options).ok());
    CHECK(again.str() == layer.str());
  }
  SECTION("excluded paths are left out") {
    options.exclude = {"greeting", "new"};
    StringWriter partial;
    REQUIRE(WriteRootfsDiff(base, changed, partial, options).ok());
    auto p = Paths(partial.str());
    CHECK(std::find(p.begin(), p.end(), "greeting") == p.end());
    CHECK(std::find(p.begin(), p.end(), "new/") == p.end());
  }
  SECTION("no change gives an empty layer") {
    StringWriter empty;
    auto s = WriteRootfsDiff(base, base, empty, options);
    REQUIRE(s.ok());
    CHECK(Paths(empty.str()).empty());
  }
  SECTION("a .wh. name in the changed tree is refused") {
    hoist::testing::WriteFile(changed + "/.wh.sneaky", "");
    StringWriter bad;
    auto s = WriteRootfsDiff(base, changed, bad, options);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().ToString().find(".wh.") != std::string::npos);
  }
}

TEST_CASE("ListRootfsChanges gives docker diff's A, C and D lines, an emptied directory once") {
  hoist::testing::TempDir tmp;
  const std::string base = tmp / "base", changed = tmp / "changed";
  for (const auto& d : {base, changed}) {
    REQUIRE(::mkdir(d.c_str(), 0755) == 0);
    ApplyTo(d, Base());
  }
  hoist::testing::WriteFile(changed + "/greeting", "hi\n");
  REQUIRE(::unlink((changed + "/bin/vi").c_str()) == 0);
  REQUIRE(::unlink((changed + "/wipe/old1").c_str()) == 0);
  REQUIRE(::unlink((changed + "/wipe/old2").c_str()) == 0);
  hoist::testing::WriteFile(changed + "/wipe/new", "N");
  DiffOptions options;
  options.exclude = {"keep"};
  auto changes = ListRootfsChanges(base, changed, options);
  REQUIRE(changes.ok());
  std::string lines;
  for (const auto& c : *changes) lines += std::string(1, c.kind) + " " + c.path + "\n";
  CHECK(lines == "C /bin\nD /bin/vi\nA /greeting\nC /wipe\nA /wipe/new\n");
}

}  // namespace hoist::container
