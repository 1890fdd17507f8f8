#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "store/index_names.h"
#include "store/oci_layout.h"
#include "support/temp_dir.h"
#include "unit/store/store_test_image.h"

using namespace hoist;
using namespace hoist::store;
using hoist::store::testing::PutTestImage;
using hoist::store::testing::Ref;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;

namespace {

OciLayout NewLayout(const TempDir& dir) {
  auto l = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(l.ok());
  return std::move(l).value();
}

}  // namespace

TEST_CASE("SetName adds a name that Resolve and ListNamed find, written as the full reference") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = PutTestImage(layout, {"a"});
  REQUIRE(layout.SetName(Ref("alpine:3.19"), img.manifest).ok());
  CHECK_THAT(ReadFile(dir / "store/index.json"),
             Catch::Contains("\"org.opencontainers.image.ref.name\":\"docker.io/library/alpine:3.19\""));
  auto d = layout.Resolve(Ref("docker.io/library/alpine:3.19"));
  REQUIRE(d.ok());
  CHECK(d->digest == img.manifest.digest);
  CHECK(d->media_type == kOciManifest);
  auto named = layout.ListNamed();
  REQUIRE(named.ok());
  REQUIRE(named->size() == 1);
  CHECK((*named)[0].ref.str() == "docker.io/library/alpine:3.19");
  auto missing = layout.Resolve(Ref("alpine:3.18"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::kNotFound);
  CHECK_THAT(missing.error().message(), Catch::Contains("alpine:3.18"));
}

TEST_CASE("SetName replaces what a name pointed at, keeping one entry per name") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto one = PutTestImage(layout, {"one"});
  auto two = PutTestImage(layout, {"two"});
  REQUIRE(layout.SetName(Ref("app:v1"), one.manifest).ok());
  REQUIRE(layout.SetName(Ref("app:v2"), one.manifest).ok());
  REQUIRE(layout.SetName(Ref("app:v1"), two.manifest).ok());
  auto index = layout.ReadIndex();
  REQUIRE(index.ok());
  REQUIRE(index->manifests().size() == 2);
  CHECK(index->manifests()[0].digest == two.manifest.digest);  // kept its place
  CHECK(layout.Resolve(Ref("app:v2"))->digest == one.manifest.digest);
}

TEST_CASE("Resolve by digest finds named entries and unnamed manifest blobs") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = PutTestImage(layout, {"x"});
  auto by_digest = layout.Resolve(Ref("anything@" + img.manifest.digest.str()));
  REQUIRE(by_digest.ok());  // a blob, not in index.json
  CHECK(by_digest->digest == img.manifest.digest);
  CHECK(by_digest->media_type == kOciManifest);
  // A blob that is not a manifest is not an image.
  auto config = layout.Resolve(Ref("anything@" + img.config.digest.str()));
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().code() == ErrorCode::kInvalidArgument);
  auto absent = layout.Resolve(Ref("anything@" + Digest::Of("none").str()));
  CHECK(absent.error().code() == ErrorCode::kNotFound);
}

TEST_CASE("RemoveName removes one name and reports an unknown one") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = PutTestImage(layout, {"x"});
  REQUIRE(layout.SetName(Ref("a:1"), img.manifest).ok());
  REQUIRE(layout.SetName(Ref("b:1"), img.manifest).ok());
  REQUIRE(layout.RemoveName(Ref("a:1")).ok());
  CHECK(layout.Resolve(Ref("a:1")).error().code() == ErrorCode::kNotFound);
  CHECK(layout.Resolve(Ref("b:1")).ok());
  auto again = layout.RemoveName(Ref("a:1"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == ErrorCode::kNotFound);
  CHECK_FALSE(layout.SetName(Ref("c@" + img.manifest.digest.str()), img.manifest).ok());
}

TEST_CASE("Names written by other tools in short form still resolve, unknown index.json fields survive") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = PutTestImage(layout, {"x"});
  std::string entry = "{\"mediaType\":\"" + std::string(kOciManifest) + "\",\"digest\":\"" +
                      img.manifest.digest.str() + "\",\"size\":" + std::to_string(img.manifest.size) +
                      ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"busybox\"}}";
  hoist::testing::WriteFile(dir / "store/index.json",
                            "{\"schemaVersion\":2,\"x-custom\":{\"k\":1},\"manifests\":[" + entry + "]}");
  CHECK(layout.Resolve(Ref("docker.io/library/busybox:latest")).ok());
  REQUIRE(layout.SetName(Ref("other:1"), img.manifest).ok());
  CHECK_THAT(ReadFile(dir / "store/index.json"), Catch::Contains("\"x-custom\":{\"k\":1}"));
  REQUIRE(layout.RemoveName(Ref("busybox")).ok());
  CHECK(layout.ListNamed()->size() == 1);
}

TEST_CASE("UpdateIndex from several threads loses no name") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = PutTestImage(layout, {"x"});
  constexpr int kThreads = 4, kEach = 15;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto mine = OciLayout::Open(dir / "store", OciLayout::OpenMode::kExisting);
      for (int i = 0; i < kEach; ++i) {
        auto st = mine->SetName(Ref("t" + std::to_string(t) + ":" + std::to_string(i)), img.manifest);
        if (!st.ok()) FAIL_CHECK(st.error().ToString());
      }
    });
  }
  for (auto& th : threads) th.join();
  auto named = layout.ListNamed();
  REQUIRE(named.ok());
  CHECK(named->size() == kThreads * kEach);
}

TEST_CASE("UpdateIndex from several processes loses no name") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = PutTestImage(layout, {"x"});
  constexpr int kProcs = 4, kEach = 15;
  std::vector<pid_t> kids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      auto mine = OciLayout::Open(dir / "store", OciLayout::OpenMode::kExisting);
      int failures = mine.ok() ? 0 : 1;
      for (int i = 0; mine.ok() && i < kEach; ++i) {
        if (!mine->SetName(Ref("p" + std::to_string(p) + ":" + std::to_string(i)), img.manifest).ok()) ++failures;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  auto named = layout.ListNamed();
  REQUIRE(named.ok());
  CHECK(named->size() == kProcs * kEach);
}

TEST_CASE("Creating one store from several processes at once keeps every name") {
  TempDir dir;
  constexpr int kProcs = 4;
  std::vector<pid_t> kids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      auto l = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
      if (!l.ok()) ::_exit(1);
      auto d = l->PutBytes("{}", "application/json");
      if (!d.ok()) ::_exit(1);
      ::_exit(l->SetName(Ref("p" + std::to_string(p) + ":1"), *d).ok() ? 0 : 1);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  auto layout = OciLayout::Open(dir / "store", OciLayout::OpenMode::kExisting);
  REQUIRE(layout.ok());
  CHECK(layout->ListNamed()->size() == kProcs);
}

TEST_CASE("SetNames sets many names and keeps unnamed images once, in one index.json write") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto a = PutTestImage(layout, {"a"});
  auto b = PutTestImage(layout, {"b"});
  auto c = PutTestImage(layout, {"c"});
  REQUIRE(layout.SetName(Ref("x:keep"), a.manifest).ok());
  // Another tool's short form of a name is still the same name.
  REQUIRE(layout.UpdateIndex([&](std::vector<Descriptor>& list) -> Status {
    Descriptor d = a.manifest;
    d.annotations[kRefNameAnnotation] = "short:1";
    list.push_back(d);
    return Ok();
  }).ok());
  const uint64_t before = IndexWritesSoFar();
  std::vector<std::pair<Reference, Descriptor>> names;
  for (int i = 0; i < 50; ++i) names.emplace_back(Ref("many:" + std::to_string(i)), b.manifest);
  names.emplace_back(Ref("short:1"), b.manifest);
  names.emplace_back(Ref("many:7"), a.manifest);  // given twice: the last wins, as with SetName
  REQUIRE(SetNames(layout, names, {c.manifest, c.manifest, a.manifest}).ok());
  CHECK(IndexWritesSoFar() == before + 1);
  auto index = layout.ReadIndex();
  REQUIRE(index.ok());
  // x:keep, short:1 (replaced in place), 50 many:N, c once without a name (a already has entries).
  CHECK(index->manifests().size() == 53);
  CHECK(index->manifests()[1].annotations.at(kRefNameAnnotation) == "docker.io/library/short:1");
  CHECK(index->manifests()[1].digest == b.manifest.digest);
  CHECK(layout.Resolve(Ref("many:7"))->digest == a.manifest.digest);
  CHECK(layout.Resolve(Ref("many:49"))->digest == b.manifest.digest);
  CHECK(layout.Resolve(Ref("x:keep"))->digest == a.manifest.digest);
  CHECK(index->manifests().back().digest == c.manifest.digest);
  CHECK(index->manifests().back().annotations.count(kRefNameAnnotation) == 0);
}
