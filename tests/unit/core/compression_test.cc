#include "core/compression.h"
#include "core/isal_gzip_writer.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>

#include "support/temp_dir.h"
#include "support/trickle_reader.h"

using namespace hoist;

using hoist::testing::TrickleReader;

namespace {

std::string Compress(const std::string& data, Compression c, std::optional<int> level = {}) {
  StringWriter out;
  auto w = NewCompressingWriter(out, c, CompressOptions{level});
  REQUIRE(w.ok());
  // Several writes, to exercise streaming.
  size_t half = data.size() / 2;
  REQUIRE((*w)->Write(data.substr(0, half)).ok());
  REQUIRE((*w)->Write(data.substr(half)).ok());
  REQUIRE((*w)->Close().ok());
  return out.Take();
}

Result<std::string> DecompressString(const std::string& data, Compression c,
                                     uint64_t limit = UINT64_MAX) {
  StringReader in(data);
  auto r = Decompress(in, c, DecompressOptions{limit});
  return ReadAll(*r, UINT64_MAX);
}

std::string SampleData(size_t n) {
  std::mt19937 rng(42);
  std::string s;
  const char* words[] = {"layer ", "blob ", "manifest ", "sha256 ", "\x01\x02", "\n"};
  while (s.size() < n) s += words[rng() % 6];
  s.resize(n);
  return s;
}

}  // namespace

TEST_CASE("gzip and zstd round-trip data of many sizes") {
  for (Compression c : {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{300000}}) {
      std::string data = SampleData(n);
      auto back = DecompressString(Compress(data, c), c);
      REQUIRE(back.ok());
      CHECK(*back == data);
    }
  }
}

TEST_CASE("decompression works when input arrives one byte at a time") {
  std::string data = SampleData(20000);
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    TrickleReader in(Compress(data, c));
    auto r = Decompress(in, c);
    auto back = ReadAll(*r, UINT64_MAX);
    REQUIRE(back.ok());
    CHECK(*back == data);
  }
}

TEST_CASE("compression is deterministic") {
  std::string data = SampleData(100000);
  CHECK(Compress(data, Compression::kGzip) == Compress(data, Compression::kGzip));
  CHECK(Compress(data, Compression::kZstd) == Compress(data, Compression::kZstd));
  CHECK(Compress(data, Compression::kGzip, 1) != Compress(data, Compression::kGzip, 9));
}

TEST_CASE("DetectCompression recognizes gzip and zstd magic") {
  CHECK(DetectCompression(Compress("x", Compression::kGzip)) == Compression::kGzip);
  CHECK(DetectCompression(Compress("x", Compression::kZstd)) == Compression::kZstd);
  CHECK(DetectCompression("ustar") == Compression::kNone);
  CHECK(DetectCompression("") == Compression::kNone);
  CHECK(DetectCompression("\x1f") == Compression::kNone);
  CHECK(CompressionName(Compression::kZstd) == "zstd");
}

TEST_CASE("DecompressAuto picks the format from the magic") {
  std::string data = SampleData(5000);
  for (Compression c : {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    StringReader in(Compress(data, c));
    auto r = DecompressAuto(in);
    auto back = ReadAll(*r, UINT64_MAX);
    REQUIRE(back.ok());
    CHECK(*back == data);
  }
  StringReader tiny("ab");  // shorter than any magic
  auto r = DecompressAuto(tiny);
  CHECK(ReadAll(*r, 100).value() == "ab");
}

TEST_CASE("multi-member gzip and multi-frame zstd streams decode fully") {
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    std::string joined = Compress("first part, ", c) + Compress("", c) + Compress("second part", c);
    auto back = DecompressString(joined, c);
    REQUIRE(back.ok());
    CHECK(*back == "first part, second part");
  }
}

TEST_CASE("gzip accepts zero padding after the stream but not other trailing data") {
  std::string gz = Compress("hello", Compression::kGzip);
  CHECK(DecompressString(gz + std::string(100, '\0'), Compression::kGzip).value() == "hello");
  auto bad = DecompressString(gz + "garbage", Compression::kGzip);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::kParse);
  CHECK_THAT(bad.error().message(), Catch::Contains("gzip"));
}

TEST_CASE("corrupt compressed streams fail with a parse error naming the format") {
  std::string data = SampleData(50000);
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    std::string z = Compress(data, c);
    z[z.size() / 2] ^= 0x55;
    z[z.size() / 2 + 1] ^= 0x55;
    auto back = DecompressString(z, c);
    REQUIRE_FALSE(back.ok());
    CHECK(back.error().code() == ErrorCode::kParse);
    CHECK_THAT(back.error().message(), Catch::Contains(std::string(CompressionName(c))));
  }
  auto notgz = DecompressString("this is not gzip at all", Compression::kGzip);
  REQUIRE_FALSE(notgz.ok());
  CHECK_THAT(notgz.error().message(), Catch::Contains("gzip"));
}

TEST_CASE("truncated compressed streams fail instead of ending early") {
  std::string data = SampleData(30000);
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    std::string z = Compress(data, c);
    for (size_t cut : {size_t{0}, size_t{1}, size_t{5}, z.size() / 2, z.size() - 1}) {
      auto back = DecompressString(z.substr(0, cut), c);
      INFO(CompressionName(c) << " cut at " << cut);
      REQUIRE_FALSE(back.ok());
      CHECK(back.error().code() == ErrorCode::kParse);
    }
  }
}

TEST_CASE("the expansion limit stops a decompression bomb") {
  std::string zeros(1 << 20, '\0');
  for (Compression c : {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    std::string z = Compress(zeros, c);
    auto over = DecompressString(z, c, 1000);
    REQUIRE_FALSE(over.ok());
    CHECK(over.error().code() == ErrorCode::kTooLarge);
    CHECK_THAT(over.error().message(), Catch::Contains("1000"));
    CHECK(DecompressString(z, c, zeros.size()).value().size() == zeros.size());
  }
}

TEST_CASE("a failed decompressor keeps failing") {
  StringReader in(Compress(std::string(10000, 'a'), Compression::kZstd));
  auto r = Decompress(in, Compression::kZstd, DecompressOptions{10});
  char buf[100];
  REQUIRE_FALSE((r->Read(buf, sizeof buf).ok() && r->Read(buf, sizeof buf).ok()));
  auto again = r->Read(buf, sizeof buf);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == ErrorCode::kTooLarge);
}

TEST_CASE("compression levels out of range are refused") {
  StringWriter out;
  auto gz = NewCompressingWriter(out, Compression::kGzip, CompressOptions{10});
  REQUIRE_FALSE(gz.ok());
  CHECK(gz.error().code() == ErrorCode::kInvalidArgument);
  auto zs = NewCompressingWriter(out, Compression::kZstd, CompressOptions{1000});
  REQUIRE_FALSE(zs.ok());
  CHECK(NewCompressingWriter(out, Compression::kZstd, CompressOptions{19}).ok());
  CHECK(NewCompressingWriter(out, Compression::kGzip, CompressOptions{0}).ok());
}

TEST_CASE("writing after Close is an error") {
  StringWriter out;
  auto w = NewCompressingWriter(out, Compression::kGzip).value();
  REQUIRE(w->Close().ok());
  CHECK_FALSE(w->Write("x").ok());
  CHECK(w->Close().ok());  // closing twice is harmless
}

TEST_CASE("gzip(1) and zstd(1) decode what the compressing writers produce") {
  hoist::testing::TempDir dir;
  std::string data = SampleData(100000);
  for (auto [c, tool] : {std::pair{Compression::kGzip, "gzip"}, std::pair{Compression::kZstd, "zstd"}}) {
    std::string probe = std::string(tool) + " --version >/dev/null 2>&1";
    if (std::system(probe.c_str()) != 0) {
      WARN(tool << " not installed; skipped");
      continue;
    }
    hoist::testing::WriteFile(dir / "in", Compress(data, c));
    std::string cmd = std::string(tool) + " -dc < " + (dir / "in") + " > " + (dir / "out");
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(hoist::testing::ReadFile(dir / "out") == data);
  }
}

TEST_CASE("fast gzip gives the same bytes with any number of workers, and zlib and gzip read them") {
  hoist::testing::TempDir dir;
  // Around the 512 KiB chunk size: empty, less than a chunk, exactly one, several and a remainder;
  // then random bytes over many chunks, where every output fills its room and chunks are reused.
  std::mt19937 rng(42);
  std::string random(9 * (size_t{512} << 10) + 11, '\0');
  for (auto& c : random) c = static_cast<char>(rng());
  for (size_t n : {size_t{0}, size_t{5}, size_t{512} << 10, (size_t{7} << 19) + 3, random.size()}) {
    std::string data = n == random.size() ? random : SampleData(n);
    std::string first;
    for (int workers : {0, 1, 3}) {
      StringWriter out;
      auto w = NewIsalGzipWriter(out, workers);
      REQUIRE(w.ok());
      for (size_t at = 0; at < data.size(); at += 300000) REQUIRE((*w)->Write(data.substr(at, 300000)).ok());
      REQUIRE((*w)->Close().ok());
      std::string gz = out.Take();
      if (workers == 0) first = gz;
      CHECK(gz == first);
    }
    auto back = DecompressString(first, Compression::kGzip);
    REQUIRE(back.ok());
    CHECK(*back == data);
    const std::string path = dir / "x.gz";
    hoist::testing::WriteFile(path, first);
    CHECK(std::system(("gzip -t " + path).c_str()) == 0);  // CRC and ISIZE as gzip checks them
  }
}
