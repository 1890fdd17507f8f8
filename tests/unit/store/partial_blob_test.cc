#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>

#include "store/oci_layout.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::store;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;

namespace {

OciLayout NewLayout(const TempDir& dir) {
  auto l = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(l.ok());
  return std::move(l).value();
}

}  // namespace

TEST_CASE("A partial blob survives its writer and resumes at its offset") {
  TempDir dir;
  auto layout = NewLayout(dir);
  const std::string content = "0123456789abcdefghij";
  Digest d = Digest::Of(content);
  {
    auto p = layout.OpenPartial(d, 20);
    REQUIRE(p.ok());
    CHECK((*p)->offset() == 0);
    REQUIRE((*p)->Write(content.substr(0, 8)).ok());
  }  // interrupted: destroyed without Commit
  CHECK(std::filesystem::exists(layout.paths().Partial(d)));
  CHECK_FALSE(layout.HasBlob(d));
  auto p = layout.OpenPartial(d, 20);
  REQUIRE(p.ok());
  REQUIRE((*p)->offset() == 8);
  REQUIRE((*p)->Write(content.substr(8)).ok());
  REQUIRE((*p)->Commit().ok());
  CHECK(layout.HasBlob(d));
  CHECK(ReadFile(layout.paths().Blob(d)) == content);
  CHECK_FALSE(std::filesystem::exists(layout.paths().Partial(d)));
}

TEST_CASE("A partial blob that does not match its digest is deleted at Commit") {
  TempDir dir;
  auto layout = NewLayout(dir);
  Digest d = Digest::Of("the real content");
  auto p = layout.OpenPartial(d, 16);
  REQUIRE(p.ok());
  REQUIRE((*p)->Write("the fake content").ok());
  auto st = (*p)->Commit();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kDigestMismatch);
  CHECK_FALSE(layout.HasBlob(d));
  CHECK_FALSE(std::filesystem::exists(layout.paths().Partial(d)));
  // The next attempt starts clean.
  auto again = layout.OpenPartial(d, 16);
  REQUIRE(again.ok());
  CHECK((*again)->offset() == 0);
}

TEST_CASE("A partial blob refuses more bytes than its size and a short one fails Commit") {
  TempDir dir;
  auto layout = NewLayout(dir);
  Digest d = Digest::Of("abc");
  auto p = layout.OpenPartial(d, 3);
  REQUIRE(p.ok());
  CHECK((*p)->Write("abcd").error().code() == ErrorCode::kDigestMismatch);
  REQUIRE((*p)->Write("ab").ok());
  auto st = (*p)->Commit();
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("size mismatch"));
}

TEST_CASE("Restart forgets what a partial blob held") {
  TempDir dir;
  auto layout = NewLayout(dir);
  Digest d = Digest::Of("fresh");
  auto p = layout.OpenPartial(d, -1);
  REQUIRE(p.ok());
  REQUIRE((*p)->Write("stale bytes").ok());
  REQUIRE((*p)->Restart().ok());
  CHECK((*p)->offset() == 0);
  REQUIRE((*p)->Write("fresh").ok());
  REQUIRE((*p)->Commit().ok());
  CHECK(ReadFile(layout.paths().Blob(d)) == "fresh");
}

TEST_CASE("A kept partial file longer than the blob is discarded on open") {
  TempDir dir;
  auto layout = NewLayout(dir);
  Digest d = Digest::Of("abc");
  REQUIRE(MakeDirs(layout.paths().PartialDir()).ok());
  hoist::testing::WriteFile(layout.paths().Partial(d), "way too many bytes");
  auto p = layout.OpenPartial(d, 3);
  REQUIRE(p.ok());
  CHECK((*p)->offset() == 0);
  REQUIRE((*p)->Write("abc").ok());
  REQUIRE((*p)->Commit().ok());
}

TEST_CASE("A partial download that hits a full disk is removed, giving the space back") {
  TempDir dir;
  // A small tmpfs of our own is the full disk (the tests run as root).
  const std::string mnt = dir / "small";
  std::filesystem::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k") != 0) {
    FAIL("mount tmpfs failed (errno " << errno << "): this test needs root");
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  auto l = OciLayout::Open(mnt + "/store", OciLayout::OpenMode::kCreate);
  REQUIRE(l.ok());
  const std::string content(1 << 20, 'z');
  Digest d = Digest::Of(content);
  auto p = l->OpenPartial(d, static_cast<int64_t>(content.size()));
  REQUIRE(p.ok());
  Status st = Ok();
  for (size_t at = 0; at < content.size() && st.ok(); at += 64 * 1024) st = (*p)->Write(content.substr(at, 64 * 1024));
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().ToString(), Catch::Contains("No space left on device"));
  CHECK_THAT(st.error().ToString(), Catch::Contains("removed"));
  p->reset();
  CHECK_FALSE(std::filesystem::exists(l->paths().Partial(d)));
}
