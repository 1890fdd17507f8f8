#include <catch2/catch.hpp>
#include <filesystem>

#include "core/temp_owner.h"
#include "store/fsck.h"
#include "store/oci_layout.h"
#include "store/prune.h"
#include "support/temp_dir.h"
#include "unit/store/store_test_image.h"

using namespace hoist;
using namespace hoist::store;
using hoist::store::testing::PutTestImage;
using hoist::store::testing::Ref;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

OciLayout NewLayout(const TempDir& dir) {
  auto l = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(l.ok());
  return std::move(l).value();
}

// Adds an index.json entry without a name (as `skopeo copy oci:…` without a tag or an untagged load leaves).
void AddUnnamed(OciLayout& layout, const Descriptor& d) {
  REQUIRE(layout.UpdateIndex([&](std::vector<Descriptor>& list) -> Status {
    list.push_back(d);
    return Ok();
  }).ok());
}

FsckReport RunFsck(OciLayout& layout, bool repair) {
  auto r = Fsck(layout, FsckOptions{repair});
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("Prune removes only what no index.json entry reaches and reports the bytes freed") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto kept = PutTestImage(layout, {"shared", "kept"});
  auto dropped = PutTestImage(layout, {"shared", "dropped layer"});
  auto unnamed = PutTestImage(layout, {"unnamed layer"});
  REQUIRE(layout.SetName(Ref("kept:1"), kept.manifest).ok());
  REQUIRE(layout.SetName(Ref("dropped:1"), dropped.manifest).ok());
  AddUnnamed(layout, unnamed.manifest);
  REQUIRE(layout.RemoveName(Ref("dropped:1")).ok());

  auto report = Prune(layout, PruneOptions{});
  REQUIRE(report.ok());
  // dropped: its manifest, config and own layer; the shared layer stays.
  CHECK(report->removed_blobs.size() == 3);
  CHECK(report->freed_bytes ==
        static_cast<uint64_t>(dropped.manifest.size + dropped.config.size + dropped.layers[1].size));
  CHECK(report->removed_entries.empty());
  CHECK_FALSE(layout.HasBlob(dropped.layers[1].digest));
  CHECK(layout.HasBlob(dropped.layers[0].digest));
  CHECK(ReachableBlobs(layout, kept.manifest).ok());
  CHECK(ReachableBlobs(layout, unnamed.manifest).ok());
  CHECK(RunFsck(layout, false).problems.empty());

  auto again = Prune(layout, PruneOptions{});
  REQUIRE(again.ok());
  CHECK(again->removed_blobs.empty());
}

TEST_CASE("Prune --all also drops unnamed index.json entries") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto named = PutTestImage(layout, {"a"});
  auto unnamed = PutTestImage(layout, {"b"});
  REQUIRE(layout.SetName(Ref("named:1"), named.manifest).ok());
  AddUnnamed(layout, unnamed.manifest);
  PruneOptions all;
  all.all = true;
  auto report = Prune(layout, all);
  REQUIRE(report.ok());
  REQUIRE(report->removed_entries.size() == 1);
  CHECK(report->removed_entries[0].digest == unnamed.manifest.digest);
  CHECK(report->removed_blobs.size() == 3);
  CHECK_FALSE(layout.HasBlob(unnamed.manifest.digest));
  CHECK(layout.ReadIndex()->manifests().size() == 1);
  CHECK(RunFsck(layout, false).problems.empty());
}

TEST_CASE("Prune removes temp space whose owner is gone at once, and stale root temp files by age") {
  TempDir dir;
  auto layout = NewLayout(dir);
  const std::string tmp = layout.paths().TempDir();
  WriteFile(tmp + "/blob-old", "leftover");  // no owner lock: its writer is gone
  std::string dead_dir;
  {
    auto dead = TempOwner::CreateDir(tmp, "load-");
    REQUIRE(dead.ok());
    dead_dir = dead->path();
    WriteFile(dead_dir + "/0", std::string(4096, 'l'));
  }
  auto live = TempOwner::CreateDir(tmp, "commit-");  // a command still running
  REQUIRE(live.ok());
  WriteFile(live->path() + "/rootfs", "in use");
  WriteFile(dir / "store/.index.json.tmp-abcdef", "{}");
  PruneOptions fresh;  // the default age: the root temp file is too young
  auto report = Prune(layout, fresh);
  REQUIRE(report.ok());
  CHECK(report->removed_stale_files == 2);
  CHECK(report->freed_bytes == 8 + 4096);
  CHECK_FALSE(std::filesystem::exists(tmp + "/blob-old"));
  CHECK_FALSE(std::filesystem::exists(dead_dir));
  CHECK(std::filesystem::exists(live->path() + "/rootfs"));
  CHECK(std::filesystem::exists(dir / "store/.index.json.tmp-abcdef"));
  PruneOptions now;
  now.stale_after = std::chrono::seconds(-10);  // everything counts as stale
  report = Prune(layout, now);
  REQUIRE(report.ok());
  CHECK(report->removed_stale_files == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "store/.index.json.tmp-abcdef"));
  CHECK(std::filesystem::exists(live->path() + "/rootfs"));  // however old, a live owner keeps it
}

TEST_CASE("Fsck reports temp space whose owner is gone without failing, and --repair removes it") {
  TempDir dir;
  auto layout = NewLayout(dir);
  const std::string tmp = layout.paths().TempDir();
  std::string dead_dir;
  {
    auto dead = TempOwner::CreateDir(tmp, "commit-");
    REQUIRE(dead.ok());
    dead_dir = dead->path();
    WriteFile(dead_dir + "/layer", "abc");
  }
  auto live = TempOwner::CreateFile(tmp, "blob-");
  REQUIRE(live.ok());
  auto report = RunFsck(layout, false);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].kind == FsckProblem::Kind::kLeftoverTemp);
  CHECK(report.problems[0].subject == dead_dir);
  CHECK_THAT(report.problems[0].detail, Catch::Contains("3 bytes"));
  CHECK(std::string(FsckProblemName(report.problems[0].kind)) == "leftover-temp");
  CHECK(report.clean());  // wasted space, not damage
  CHECK(std::filesystem::exists(dead_dir));
  auto repaired = RunFsck(layout, true);
  REQUIRE(repaired.problems.size() == 1);
  CHECK(repaired.problems[0].repaired);
  CHECK_FALSE(std::filesystem::exists(dead_dir));
  CHECK(std::filesystem::exists(live->path()));
  CHECK(RunFsck(layout, false).problems.empty());
}

TEST_CASE("Prune refuses to run past a manifest it cannot read") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = PutTestImage(layout, {"a"});
  REQUIRE(layout.SetName(Ref("x:1"), img.manifest).ok());
  WriteFile(layout.paths().Blob(img.manifest.digest), "garbage");
  auto report = Prune(layout, PruneOptions{});
  REQUIRE_FALSE(report.ok());
  CHECK_THAT(report.error().ToString(), Catch::Contains("fsck --repair"));
  CHECK(layout.HasBlob(img.layers[0].digest));
}

TEST_CASE("Fsck finds a corrupted layer and --repair removes it and the image's name") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto good = PutTestImage(layout, {"good layer"});
  auto bad = PutTestImage(layout, {"bad layer"});
  REQUIRE(layout.SetName(Ref("good:1"), good.manifest).ok());
  REQUIRE(layout.SetName(Ref("bad:1"), bad.manifest).ok());
  auto clean = RunFsck(layout, false);
  CHECK(clean.problems.empty());
  CHECK(clean.blobs_checked == 6);
  CHECK(clean.images_checked == 2);

  WriteFile(layout.paths().Blob(bad.layers[0].digest), "bit rot!!");
  auto found = RunFsck(layout, false);
  REQUIRE(found.problems.size() == 1);
  CHECK(found.problems[0].kind == FsckProblem::Kind::kCorruptBlob);
  CHECK(found.problems[0].subject == bad.layers[0].digest.str());
  CHECK_FALSE(found.clean());
  CHECK(layout.HasBlob(bad.layers[0].digest));  // not without --repair

  auto repaired = RunFsck(layout, true);
  CHECK(repaired.clean());
  CHECK_FALSE(layout.HasBlob(bad.layers[0].digest));
  CHECK(layout.Resolve(Ref("bad:1")).error().code() == ErrorCode::kNotFound);
  CHECK(layout.Resolve(Ref("good:1")).ok());
  bool named_removal = false;
  for (const auto& p : repaired.problems) named_removal = named_removal || p.repair == "removed name docker.io/library/bad:1";
  CHECK(named_removal);
  CHECK(RunFsck(layout, false).problems.empty());
}

TEST_CASE("Fsck reports a missing blob, a stray file and a bad index.json") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = PutTestImage(layout, {"a"});
  REQUIRE(layout.SetName(Ref("x:1"), img.manifest).ok());
  std::filesystem::remove(layout.paths().Blob(img.config.digest));
  WriteFile(layout.paths().BlobDir(DigestAlgorithm::kSha256) + "/not-a-digest", "?");
  auto r = RunFsck(layout, false);
  REQUIRE(r.problems.size() == 2);
  CHECK(r.problems[0].kind == FsckProblem::Kind::kStrayFile);
  CHECK(r.problems[1].kind == FsckProblem::Kind::kMissingBlob);
  CHECK(r.problems[1].subject == img.config.digest.str());

  WriteFile(dir / "store/index.json", "[]");
  auto bad = RunFsck(layout, true);
  bool bad_index = false;
  for (const auto& p : bad.problems) bad_index = bad_index || (p.kind == FsckProblem::Kind::kBadIndex && !p.repaired);
  CHECK(bad_index);
  CHECK_FALSE(bad.clean());
}
