#include "core/archive_compression.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>

#include "support/temp_dir.h"
#include "support/trickle_reader.h"

using namespace hoist;

using hoist::testing::TrickleReader;

namespace {

// "hello, archive\n" as `bzip2 -9` and `xz -6` wrote it.
const std::string kHelloBz2(
    "\x42\x5a\x68\x39\x31\x41\x59\x26\x53\x59\x59\x27\x8d\x67\x00\x00\x03\xd1\x80\x00\x10\x40\x04\x2a\x64\x91"
    "\x00\x20\x00\x31\x03\x40\xd0\x20\x01\xa6\x95\x02\x78\x8c\x0f\xa5\x38\xf8\xbb\x92\x29\xc2\x84\x82\xc9\x3c"
    "\x6b\x38",
    54);
const std::string kHelloXz(
    "\xfd\x37\x7a\x58\x5a\x00\x00\x04\xe6\xd6\xb4\x46\x02\x00\x21\x01\x16\x00\x00\x00\x74\x2f\xe5\xa3\x01\x00"
    "\x0e\x68\x65\x6c\x6c\x6f\x2c\x20\x61\x72\x63\x68\x69\x76\x65\x0a\x00\x00\xa4\xb1\xff\x34\x92\x77\x65\xdf"
    "\x00\x01\x27\x0f\xdf\x1a\xfc\x6a\x1f\xb6\xf3\x7d\x01\x00\x00\x00\x00\x04\x59\x5a",
    72);

Result<std::string> DecodeString(const std::string& data, ArchiveCompression c, uint64_t limit = UINT64_MAX) {
  StringReader in(data);
  auto r = DecompressArchive(in, c, DecompressOptions{limit});
  return ReadAll(*r, UINT64_MAX);
}

std::string SampleData(size_t n) {
  std::mt19937 rng(7);
  std::string s;
  const char* words[] = {"archive ", "tar ", "bzip2 ", "xz ", "\x01\xff", "\n"};
  while (s.size() < n) s += words[rng() % 6];
  s.resize(n);
  return s;
}

// `tool` (bzip2 or xz) compressing `data` with `flags`; nullopt when the tool is not installed.
std::optional<std::string> CompressWithTool(const std::string& tool, const std::string& flags,
                                            const std::string& data) {
  std::string probe = tool + " --version >/dev/null 2>&1";
  if (std::system(probe.c_str()) != 0) return std::nullopt;
  hoist::testing::TempDir dir;
  hoist::testing::WriteFile(dir / "in", data);
  std::string cmd = tool + " " + flags + " -c < " + (dir / "in") + " > " + (dir / "out");
  REQUIRE(std::system(cmd.c_str()) == 0);
  return hoist::testing::ReadFile(dir / "out");
}

const std::pair<ArchiveCompression, const char*> kTools[] = {{ArchiveCompression::kBzip2, "bzip2"},
                                                              {ArchiveCompression::kXz, "xz"}};

}  // namespace

TEST_CASE("bzip2 and xz decode fixed bytes written by bzip2(1) and xz(1)") {
  CHECK(DecodeString(kHelloBz2, ArchiveCompression::kBzip2).value() == "hello, archive\n");
  CHECK(DecodeString(kHelloXz, ArchiveCompression::kXz).value() == "hello, archive\n");
}

TEST_CASE("bzip2 and xz round-trip data made by the command-line tools") {
  for (auto [c, tool] : kTools) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{300000}}) {
      std::string data = SampleData(n);
      auto z = CompressWithTool(tool, "-1", data);
      if (!z) {
        WARN(tool << " not installed; skipped");
        break;
      }
      INFO(tool << " of " << n << " bytes");
      auto back = DecodeString(*z, c);
      REQUIRE(back.ok());
      CHECK(*back == data);
      TrickleReader slow(*z);  // one byte at a time
      auto r = DecompressArchive(slow, c);
      CHECK(ReadAll(*r, UINT64_MAX).value() == data);
    }
  }
}

TEST_CASE("concatenated bzip2 and xz streams decode fully") {
  CHECK(DecodeString(kHelloBz2 + kHelloBz2, ArchiveCompression::kBzip2).value() ==
        "hello, archive\nhello, archive\n");
  CHECK(DecodeString(kHelloXz + kHelloXz, ArchiveCompression::kXz).value() == "hello, archive\nhello, archive\n");
  auto junk = DecodeString(kHelloBz2 + "junk", ArchiveCompression::kBzip2);
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.error().code() == ErrorCode::kParse);
  auto xjunk = DecodeString(kHelloXz + "junk", ArchiveCompression::kXz);
  REQUIRE_FALSE(xjunk.ok());
  CHECK(xjunk.error().code() == ErrorCode::kParse);
}

TEST_CASE("truncated bzip2 and xz streams fail instead of ending early") {
  for (auto [c, fixed] : {std::pair{ArchiveCompression::kBzip2, kHelloBz2}, std::pair{ArchiveCompression::kXz, kHelloXz}}) {
    for (size_t cut : {size_t{0}, size_t{1}, size_t{5}, fixed.size() / 2, fixed.size() - 1}) {
      auto back = DecodeString(fixed.substr(0, cut), c);
      INFO(ArchiveCompressionName(c) << " cut at " << cut);
      REQUIRE_FALSE(back.ok());
      CHECK(back.error().code() == ErrorCode::kParse);
      CHECK_THAT(back.error().message(), Catch::Contains(std::string(ArchiveCompressionName(c))));
    }
  }
}

TEST_CASE("corrupt bzip2 and xz data fail with a parse error naming the format") {
  std::string bz = kHelloBz2;
  bz[20] ^= 0x55;
  auto bad = DecodeString(bz, ArchiveCompression::kBzip2);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::kParse);
  CHECK_THAT(bad.error().message(), Catch::Contains("bzip2"));
  std::string xz = kHelloXz;
  xz[30] ^= 0x55;  // inside the compressed block: the CRC64 check catches it
  auto xbad = DecodeString(xz, ArchiveCompression::kXz);
  REQUIRE_FALSE(xbad.ok());
  CHECK(xbad.error().code() == ErrorCode::kParse);
  CHECK_THAT(xbad.error().message(), Catch::Contains("xz"));
  CHECK_FALSE(DecodeString("plain text, not bzip2", ArchiveCompression::kBzip2).ok());
  CHECK_FALSE(DecodeString("plain text, not xz", ArchiveCompression::kXz).ok());
}

TEST_CASE("the expansion limit stops a bzip2 or xz decompression bomb as it does gzip") {
  std::string zeros(1 << 20, '\0');
  for (auto [c, tool] : kTools) {
    auto z = CompressWithTool(tool, "-9", zeros);
    if (!z) {
      WARN(tool << " not installed; skipped");
      continue;
    }
    auto over = DecodeString(*z, c, 1000);
    REQUIRE_FALSE(over.ok());
    CHECK(over.error().code() == ErrorCode::kTooLarge);
    CHECK_THAT(over.error().message(), Catch::Contains("1000") && Catch::Contains(tool));
    CHECK(DecodeString(*z, c, zeros.size()).value().size() == zeros.size());
  }
}

TEST_CASE("DetectArchiveCompression knows all five formats") {
  CHECK(DetectArchiveCompression(kHelloBz2) == ArchiveCompression::kBzip2);
  CHECK(DetectArchiveCompression(kHelloXz) == ArchiveCompression::kXz);
  CHECK(DetectArchiveCompression(std::string("\x1f\x8b\x08", 3)) == ArchiveCompression::kGzip);
  CHECK(DetectArchiveCompression(std::string("\x28\xb5\x2f\xfd", 4)) == ArchiveCompression::kZstd);
  CHECK(DetectArchiveCompression("BZh") == ArchiveCompression::kNone);    // too short to tell
  CHECK(DetectArchiveCompression("BZhello") == ArchiveCompression::kNone);  // text, not a block size
  CHECK(DetectArchiveCompression(kHelloXz.substr(0, 5)) == ArchiveCompression::kNone);
  CHECK(DetectArchiveCompression("ustar") == ArchiveCompression::kNone);
  // The layer formats' detection is unchanged: bzip2 and xz are no layer compressions.
  CHECK(DetectCompression(kHelloBz2) == Compression::kNone);
  CHECK(DetectCompression(kHelloXz) == Compression::kNone);
  CHECK(ArchiveCompressionName(ArchiveCompression::kXz) == "xz");
}
