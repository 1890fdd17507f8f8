// COPY's sources (builder/source_paths.h) and the copy into a root (tree_copy.h): wildcards,
// escapes refused, directory contents copied, modes, owners and the content hash.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "builder/source_paths.h"
#include "builder/tree_copy.h"
#include "support/temp_dir.h"

using namespace hoist::builder;
using hoist::Digest;
using hoist::container::RootDir;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

struct Context {
  TempDir tmp;
  std::string root = tmp / "ctx";
  SourceTree tree;
  Context() {
    REQUIRE(::mkdir(root.c_str(), 0755) == 0);
    REQUIRE(::mkdir((root + "/src").c_str(), 0755) == 0);
    WriteFile(root + "/package.json", "{}");
    WriteFile(root + "/package-lock.json", "{\"lock\":1}");
    WriteFile(root + "/src/main.js", "main");
    WriteFile(root + "/src/util.js", "util");
    WriteFile(tmp / "secret", "outside");
    char real[4096];
    REQUIRE(::realpath(root.c_str(), real) != nullptr);
    tree = SourceTree{real, true, {}, "the build context"};
  }
  RootDir Root() { return std::move(RootDir::Open(tree.path)).value(); }
};

Digest HashOf(const RootDir& root, const SourceTree& tree, const std::string& rel) {
  auto entry = ResolveSource(root, tree, rel);
  REQUIRE(entry.ok());
  hoist::Hasher h;
  REQUIRE(HashSource(*entry, &tree.filter, h).ok());
  return h.Finish();
}

}  // namespace

TEST_CASE("wildcards match per component and a missing source is a clear error") {
  Context c;
  auto root = c.Root();
  auto m = MatchSources(root, c.tree, "package*.json");
  REQUIRE(m.ok());
  CHECK(*m == std::vector<std::string>{"package-lock.json", "package.json"});
  CHECK(*MatchSources(root, c.tree, "/src/*.js") == std::vector<std::string>{"src/main.js", "src/util.js"});
  CHECK(*MatchSources(root, c.tree, "./src/../src") == std::vector<std::string>{"src"});
  auto missing = MatchSources(root, c.tree, "nothing*");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message(), Catch::Contains("nothing*"));
}

TEST_CASE("a source leaving the context through .. or a symlink is refused") {
  Context c;
  REQUIRE(::symlink("../secret", (c.root + "/leak").c_str()) == 0);
  REQUIRE(::symlink("src/main.js", (c.root + "/inside").c_str()) == 0);
  auto root = c.Root();
  auto up = MatchSources(root, c.tree, "../secret");
  REQUIRE_FALSE(up.ok());
  CHECK(up.error().code() == hoist::ErrorCode::kUnsafePath);
  auto leak = ResolveSource(root, c.tree, "leak");
  REQUIRE_FALSE(leak.ok());
  CHECK(leak.error().code() == hoist::ErrorCode::kUnsafePath);
  CHECK_THAT(leak.error().message(), Catch::Contains("outside the build context"));
  auto inside = ResolveSource(root, c.tree, "inside");
  REQUIRE(inside.ok());
  CHECK(inside->rel == "src/main.js");
}

TEST_CASE("copying a directory copies its contents, files keep modes, get the owner asked for") {
  Context c;
  REQUIRE(::chmod((c.root + "/src/main.js").c_str(), 0755) == 0);
  TempDir dest_tmp;
  auto src_root = c.Root();
  auto dest = std::move(RootDir::Open(dest_tmp.path())).value();
  TreeCopyOptions options;
  auto dir = ResolveSource(src_root, c.tree, "src");
  REQUIRE(dir.ok());
  REQUIRE(CopySource(*dir, dest, "app", false, options).ok());
  CHECK(ReadFile(dest_tmp / "app/main.js") == "main");
  CHECK(::access((dest_tmp / "app/src").c_str(), F_OK) != 0);  // contents, not the directory
  struct stat st;
  REQUIRE(::stat((dest_tmp / "app/main.js").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0755);

  auto file = ResolveSource(src_root, c.tree, "package.json");
  REQUIRE(file.ok());
  options.mode = 0600;
  REQUIRE(CopySource(*file, dest, "app", /*into_dir=*/true, options).ok());
  REQUIRE(::stat((dest_tmp / "app/package.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  REQUIRE(CopySource(*file, dest, "renamed.json", false, options).ok());
  CHECK(ReadFile(dest_tmp / "renamed.json") == "{}");
}

TEST_CASE("a symlink in the destination cannot redirect a copy outside the root") {
  Context c;
  TempDir dest_tmp;
  TempDir outside;
  REQUIRE(::symlink(outside.path().c_str(), (dest_tmp / "escape").c_str()) == 0);
  auto src_root = c.Root();
  auto dest = std::move(RootDir::Open(dest_tmp.path())).value();
  auto file = ResolveSource(src_root, c.tree, "package.json");
  REQUIRE(file.ok());
  REQUIRE(CopySource(*file, dest, "escape/x.json", false, {}).ok());
  CHECK(::access((outside / "x.json").c_str(), F_OK) != 0);
}

TEST_CASE("the content hash follows contents and modes, not times, and honours the filter") {
  Context c;
  auto root = c.Root();
  Digest before = HashOf(root, c.tree, "src");
  struct timespec times[2] = {{1, 0}, {1, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (c.root + "/src/main.js").c_str(), times, 0) == 0);
  CHECK(HashOf(root, c.tree, "src") == before);
  WriteFile(c.root + "/src/main.js", "changed");
  Digest changed = HashOf(root, c.tree, "src");
  CHECK(changed != before);
  c.tree.filter.excluded = [](const std::string& rel) { return rel == "src/main.js"; };
  CHECK(HashOf(root, c.tree, "src") != changed);
  WriteFile(c.root + "/src/main.js", "ignored edits do not count");
  Digest filtered = HashOf(root, c.tree, "src");
  WriteFile(c.root + "/src/main.js", "still ignored");
  CHECK(HashOf(root, c.tree, "src") == filtered);
}
