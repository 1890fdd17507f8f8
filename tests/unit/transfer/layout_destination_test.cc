// A blob put into an OCI layout from a BlobOpener: written by the source into the partial file (in
// 256 KiB writes whatever the source's pieces), kept across a failure for the next attempt to
// continue, started over when the bytes cannot be the blob's or the source cannot continue.

#include "transfer/layout_destination.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "store/layout_paths.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::transfer;

namespace {

std::string Pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7 + seed) & 0xff);
  return s;
}

Descriptor DescriptorOf(const std::string& bytes) {
  Descriptor d;
  d.media_type = "application/vnd.oci.image.layer.v1.tar";
  d.digest = Digest::Of(bytes);
  d.size = static_cast<int64_t>(bytes.size());
  return d;
}

int64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

// A source that writes `bytes` from the offset asked for in `piece`-byte writes, and fails after
// `fail_after` bytes (with `fail_code`) when that is set. Counts its calls and their offsets.
struct ScriptedSource {
  std::string bytes;
  size_t piece = 16 * 1024;
  std::optional<uint64_t> fail_after;
  ErrorCode fail_code = ErrorCode::kIO;
  bool refuse_offsets = false;  // kUnsupported for any offset > 0, before writing a byte
  std::vector<uint64_t> offsets;
  int opens = 0;

  BlobOpener Opener() {
    return BlobOpener(
        [this](uint64_t offset) -> Result<std::unique_ptr<Reader>> {
          ++opens;
          return std::unique_ptr<Reader>(new StringReader(bytes.substr(offset)));
        },
        [this](uint64_t offset, Writer& out) -> Status {
          offsets.push_back(offset);
          if (refuse_offsets && offset > 0) return Unsupported("this source cannot seek");
          uint64_t sent = 0;
          for (uint64_t pos = offset; pos < bytes.size();) {
            if (fail_after && sent >= *fail_after) return Error(fail_code, "the source broke");
            const size_t n = static_cast<size_t>(std::min<uint64_t>(piece, bytes.size() - pos));
            HOIST_TRY(out.Write(bytes.data() + pos, n));
            pos += n;
            sent += n;
          }
          return Ok();
        });
  }
};

struct Fixture {
  testing::TempDir dir;
  std::shared_ptr<store::OciLayout> layout;
  std::unique_ptr<LayoutDestination> dest;
  Fixture() {
    layout = std::make_shared<store::OciLayout>(
        std::move(store::OciLayout::Open(dir / "layout", store::OciLayout::OpenMode::kCreate)).value());
    dest = std::move(LayoutDestination::Open(layout, LayoutNames{}, "oci:test")).value();
  }
  std::string Partial(const Descriptor& d) const { return store::LayoutPaths(dir / "layout").Partial(d.digest); }
};

}  // namespace

TEST_CASE("a layout destination takes a blob written by its source in small pieces") {
  Fixture f;
  ScriptedSource src;
  src.bytes = Pattern(1 << 20 | 12345, 1);
  src.piece = GENERATE(size_t{1}, size_t{16 * 1024}, size_t{300 * 1024}, size_t{4 << 20});
  if (src.piece == 1) src.bytes.resize(70000);  // a byte at a time: keep it short
  const Descriptor d = DescriptorOf(src.bytes);
  Status put = f.dest->PutBlobFrom(src.Opener(), d);
  INFO((put.ok() ? std::string() : put.error().ToString()));
  REQUIRE(put.ok());
  CHECK(f.layout->HasBlob(d.digest));
  CHECK(src.offsets == std::vector<uint64_t>{0});
  CHECK(src.opens == 0);  // written into, not read from
  CHECK(FileSize(f.Partial(d)) == -1);
}

TEST_CASE("a lambda opener without a writer still fills a layout destination") {
  Fixture f;
  const std::string bytes = Pattern(600 * 1024, 2);
  const Descriptor d = DescriptorOf(bytes);
  ImageDestination::BlobOpener open = [&](uint64_t offset) -> Result<std::unique_ptr<Reader>> {
    return std::unique_ptr<Reader>(new StringReader(bytes.substr(offset)));
  };
  REQUIRE(f.dest->PutBlobFrom(open, d).ok());
  CHECK(f.layout->HasBlob(d.digest));
}

TEST_CASE("a source that breaks part way leaves every byte it handed over for the next attempt") {
  Fixture f;
  ScriptedSource src;
  src.bytes = Pattern(3 << 20, 3);
  src.fail_after = (1 << 20) + 5000;  // not a multiple of the 256 KiB writes: some bytes wait in the buffer
  const Descriptor d = DescriptorOf(src.bytes);
  Status first = f.dest->PutBlobFrom(src.Opener(), d);
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code() == ErrorCode::kIO);
  CHECK_FALSE(f.layout->HasBlob(d.digest));
  // Everything written before the failure, including what still waited for a whole 256 KiB write.
  const uint64_t handed = (*src.fail_after + src.piece - 1) / src.piece * src.piece;
  const int64_t kept = FileSize(f.Partial(d));
  CHECK(kept == static_cast<int64_t>(handed));

  src.fail_after.reset();
  REQUIRE(f.dest->PutBlobFrom(src.Opener(), d).ok());
  REQUIRE(src.offsets.size() == 2);
  CHECK(src.offsets[1] == static_cast<uint64_t>(kept));  // continued, not started over
  CHECK(f.layout->HasBlob(d.digest));
}

TEST_CASE("bytes that cannot be the blob start the partial over") {
  Fixture f;
  ScriptedSource src;
  src.bytes = Pattern(2 << 20, 4);
  Descriptor d = DescriptorOf(src.bytes);
  SECTION("the source sends more than the blob's size") {
    d.size -= 100;
    Status put = f.dest->PutBlobFrom(src.Opener(), d);
    REQUIRE_FALSE(put.ok());
    CHECK(put.error().code() == ErrorCode::kDigestMismatch);
  }
  SECTION("the source itself finds a mismatch part way") {
    src.fail_after = 1 << 20;
    src.fail_code = ErrorCode::kDigestMismatch;
    Status put = f.dest->PutBlobFrom(src.Opener(), d);
    REQUIRE_FALSE(put.ok());
    CHECK(put.error().code() == ErrorCode::kDigestMismatch);
  }
  SECTION("the bytes are all there but another blob's") {
    src.bytes = Pattern(2 << 20, 5);
    Status put = f.dest->PutBlobFrom(src.Opener(), d);
    REQUIRE_FALSE(put.ok());
    CHECK(put.error().code() == ErrorCode::kDigestMismatch);
  }
  CHECK(FileSize(f.Partial(d)) <= 0);  // nothing kept to continue from
  CHECK_FALSE(f.layout->HasBlob(d.digest));
}

TEST_CASE("a source that cannot continue at the partial's offset sends the blob from its start") {
  Fixture f;
  ScriptedSource src;
  src.bytes = Pattern(2 << 20, 6);
  const Descriptor d = DescriptorOf(src.bytes);
  src.fail_after = 1 << 20;
  REQUIRE_FALSE(f.dest->PutBlobFrom(src.Opener(), d).ok());
  REQUIRE(FileSize(f.Partial(d)) == (1 << 20));
  src.fail_after.reset();
  src.refuse_offsets = true;
  Status put = f.dest->PutBlobFrom(src.Opener(), d);
  INFO((put.ok() ? std::string() : put.error().ToString()));
  REQUIRE(put.ok());
  CHECK(src.offsets == std::vector<uint64_t>{0, 1 << 20, 0});
  CHECK(f.layout->HasBlob(d.digest));
}
