#include "store/oci_layout.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "support/temp_dir.h"
#include "unit/store/store_test_image.h"

using namespace hoist;
using namespace hoist::store;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

size_t FilesUnder(const std::string& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) ++n;
  }
  return n;
}

OciLayout NewLayout(const TempDir& dir) {
  auto l = OciLayout::Open(dir / "store", OciLayout::OpenMode::kCreate);
  REQUIRE(l.ok());
  return std::move(l).value();
}

}  // namespace

TEST_CASE("Open kCreate makes a valid empty layout and kExisting reopens it") {
  TempDir dir;
  auto layout = NewLayout(dir);
  CHECK(ReadFile(dir / "store/oci-layout") == "{\"imageLayoutVersion\":\"1.0.0\"}");
  CHECK_THAT(ReadFile(dir / "store/index.json"), Catch::Contains("\"manifests\":[]"));
  CHECK(std::filesystem::is_directory(dir / "store/blobs/sha256"));
  auto again = OciLayout::Open(dir / "store", OciLayout::OpenMode::kExisting);
  REQUIRE(again.ok());
  auto index = again->ReadIndex();
  REQUIRE(index.ok());
  CHECK(index->manifests().empty());
}

TEST_CASE("Open kExisting refuses a missing store, a directory without oci-layout and a bad version") {
  TempDir dir;
  auto missing = OciLayout::Open(dir / "nope", OciLayout::OpenMode::kExisting);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::kNotFound);

  std::filesystem::create_directory(dir / "plain");
  auto plain = OciLayout::Open(dir / "plain", OciLayout::OpenMode::kExisting);
  REQUIRE_FALSE(plain.ok());
  CHECK_THAT(plain.error().message(), Catch::Contains("oci-layout"));

  std::filesystem::create_directory(dir / "v2");
  WriteFile(dir / "v2/oci-layout", "{\"imageLayoutVersion\":\"2.0.0\"}");
  WriteFile(dir / "v2/index.json", "{\"schemaVersion\":2,\"manifests\":[]}");
  auto v2 = OciLayout::Open(dir / "v2", OciLayout::OpenMode::kExisting);
  REQUIRE_FALSE(v2.ok());
  CHECK_THAT(v2.error().message(), Catch::Contains("imageLayoutVersion"));
}

TEST_CASE("A garbage index.json is a clear error naming the file") {
  TempDir dir;
  auto layout = NewLayout(dir);
  WriteFile(dir / "store/index.json", "{not json");
  auto index = layout.ReadIndex();
  REQUIRE_FALSE(index.ok());
  CHECK(index.error().code() == ErrorCode::kParse);
  CHECK_THAT(index.error().message(), Catch::Contains("index.json") && Catch::Contains("not a valid OCI index"));
  WriteFile(dir / "store/index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"bad\"}]}");
  auto bad_digest = layout.ListNamed();
  REQUIRE_FALSE(bad_digest.ok());
  CHECK_THAT(bad_digest.error().message(), Catch::Contains("manifests[0]"));
  // An edit on a damaged index fails and leaves the file as it was.
  auto st = layout.SetName(store::testing::Ref("a:1"), Descriptor::For("application/x", "x"));
  CHECK_FALSE(st.ok());
  CHECK_THAT(ReadFile(dir / "store/index.json"), Catch::Contains("\"bad\""));
}

TEST_CASE("PutBlob stores verified content and reads it back") {
  TempDir dir;
  auto layout = NewLayout(dir);
  const std::string content = "hello, store";
  Digest d = Digest::Of(content);
  StringReader r(content);
  REQUIRE(layout.PutBlob(r, d, static_cast<int64_t>(content.size())).ok());
  CHECK(layout.HasBlob(d));
  CHECK(*layout.BlobSize(d) == static_cast<int64_t>(content.size()));
  CHECK(ReadFile(layout.paths().Blob(d)) == content);
  auto back = layout.ReadBlob(d, 1024);
  REQUIRE(back.ok());
  CHECK(*back == content);
  auto reader = layout.OpenBlob(d);
  REQUIRE(reader.ok());
  CHECK(*ReadAll(**reader, 1024) == content);
  struct stat st;
  REQUIRE(::stat(layout.paths().Blob(d).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);

  // Present already: the reader is not consumed.
  StringReader again("something else entirely");
  REQUIRE(layout.PutBlob(again, d, static_cast<int64_t>(content.size())).ok());
  CHECK(ReadFile(layout.paths().Blob(d)) == content);
}

TEST_CASE("PutBlob with a wrong digest or size leaves nothing behind") {
  TempDir dir;
  auto layout = NewLayout(dir);
  const size_t before = FilesUnder(dir / "store");
  Digest other = Digest::Of("other");
  StringReader r("content");
  auto st = layout.PutBlob(r, other, 7);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kDigestMismatch);
  CHECK_FALSE(layout.HasBlob(other));

  StringReader longer("content and more");
  auto too_long = layout.PutBlob(longer, Digest::Of("content"), 7);
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().code() == ErrorCode::kDigestMismatch);

  StringReader shorter("content");
  auto too_short = layout.PutBlob(shorter, Digest::Of("content"), 9);
  REQUIRE_FALSE(too_short.ok());
  CHECK_THAT(too_short.error().message(), Catch::Contains("size mismatch"));
  CHECK(FilesUnder(dir / "store") == before);
}

TEST_CASE("ReadBlob detects a corrupted blob and a size over the limit") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto d = layout.PutBytes("{\"a\":1}", "application/json");
  REQUIRE(d.ok());
  CHECK(layout.ReadBlob(d->digest, 3).error().code() == ErrorCode::kTooLarge);
  WriteFile(layout.paths().Blob(d->digest), "{\"a\":2}");
  auto bad = layout.ReadBlob(d->digest, 1024);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::kDigestMismatch);
  CHECK_THAT(bad.error().message(), Catch::Contains("corrupt"));
  auto absent = layout.ReadBlob(Digest::Of("nothing"), 1024);
  CHECK(absent.error().code() == ErrorCode::kNotFound);
}

TEST_CASE("IngestBlob computes the digest of unknown content") {
  TempDir dir;
  auto layout = NewLayout(dir);
  StringReader r("layer bytes");
  auto d = layout.IngestBlob(r, std::string(kOciLayerTar));
  REQUIRE(d.ok());
  CHECK(d->digest == Digest::Of("layer bytes"));
  CHECK(d->size == 11);
  CHECK(d->media_type == kOciLayerTar);
  CHECK(ReadFile(layout.paths().Blob(d->digest)) == "layer bytes");
  CHECK(FilesUnder(layout.paths().TempDir()) == 0);
}

TEST_CASE("ReachableBlobs lists manifest, config and layers, and fails on a missing layer") {
  TempDir dir;
  auto layout = NewLayout(dir);
  auto img = store::testing::PutTestImage(layout, {"layer one", "layer two"});
  auto blobs = ReachableBlobs(layout, img.manifest);
  REQUIRE(blobs.ok());
  REQUIRE(blobs->size() == 4);
  CHECK((*blobs)[0].digest == img.manifest.digest);
  CHECK((*blobs)[1].digest == img.config.digest);
  CHECK((*blobs)[3].digest == img.layers[1].digest);
  std::filesystem::remove(layout.paths().Blob(img.layers[1].digest));
  auto incomplete = ReachableBlobs(layout, img.manifest);
  REQUIRE_FALSE(incomplete.ok());
  CHECK(incomplete.error().code() == ErrorCode::kNotFound);
}

TEST_CASE("DefaultStorePath prefers the flag, then HOIST_STORE, then XDG_DATA_HOME") {
  CHECK(DefaultStorePath("/x/flag") == "/x/flag");
  ::setenv("HOIST_STORE", "/x/env", 1);
  CHECK(DefaultStorePath("") == "/x/env");
  ::unsetenv("HOIST_STORE");
  ::setenv("XDG_DATA_HOME", "/x/xdg", 1);
  CHECK(DefaultStorePath("") == "/x/xdg/hoist/store");
  ::unsetenv("XDG_DATA_HOME");
  CHECK_THAT(DefaultStorePath(""), Catch::EndsWith("/.local/share/hoist/store"));
}
