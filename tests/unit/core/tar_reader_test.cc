#include "core/tar_reader.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/tar_path.h"
#include "core/tar_writer.h"
#include "support/temp_dir.h"

using namespace hoist;
using hoist::testing::TempDir;

namespace {

// Builds header blocks by hand, to produce what other writers (GNU tar, old tars) produce.
struct RawHeader {
  std::string name;
  char type = '0';
  std::string size_field;  // raw field bytes; default: octal of `size`
  uint64_t size = 0;
  std::string magic = std::string("ustar\0" "00", 8);
  std::string linkname;
  std::string prefix;
  std::string uid_field;
  bool bad_checksum = false;

  std::string Block() const {
    char b[512] = {};
    std::memcpy(b, name.data(), std::min<size_t>(name.size(), 100));
    std::snprintf(b + 100, 8, "%07o", 0644);
    if (uid_field.empty()) {
      std::snprintf(b + 108, 8, "%07o", 0);
    } else {
      std::memcpy(b + 108, uid_field.data(), 8);
    }
    std::snprintf(b + 116, 8, "%07o", 0);
    if (size_field.empty()) {
      std::snprintf(b + 124, 12, "%011llo", static_cast<unsigned long long>(size));
    } else {
      std::memcpy(b + 124, size_field.data(), 12);
    }
    std::snprintf(b + 136, 12, "%011o", 1234);
    b[156] = type;
    std::memcpy(b + 157, linkname.data(), std::min<size_t>(linkname.size(), 100));
    std::memcpy(b + 257, magic.data(), magic.size());
    std::memcpy(b + 345, prefix.data(), std::min<size_t>(prefix.size(), 155));
    std::memset(b + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b) sum += c;
    if (bad_checksum) sum += 1;
    std::snprintf(b + 148, 8, "%06o", sum);
    return std::string(b, 512);
  }
};

RawHeader H(std::string name, char type = '0') {
  RawHeader h;
  h.name = std::move(name);
  h.type = type;
  return h;
}

std::string Padded(std::string data) {
  data.resize((data.size() + 511) / 512 * 512, '\0');
  return data;
}

std::string Member(RawHeader h, const std::string& data) {
  if (h.size_field.empty()) h.size = data.size();
  return h.Block() + Padded(data);
}

std::string End() { return std::string(1024, '\0'); }

struct Read {
  std::vector<TarEntry> entries;
  std::vector<std::string> data;
};

Result<Read> ReadAllEntries(const std::string& tar, TarReaderOptions options = {},
                            bool read_data = true) {
  StringReader in(tar);
  TarReader r(in, options);
  Read out;
  for (;;) {
    HOIST_TRY_ASSIGN(auto next, r.Next());
    if (!next) return out;
    out.entries.push_back(*next);
    std::string data;
    if (read_data) {
      HOIST_TRY_ASSIGN(data, ReadAll(r.data(), UINT64_MAX));
    }
    out.data.push_back(std::move(data));
  }
}

std::string SampleArchive() {
  StringWriter out;
  TarWriter w(out);
  auto add = [&](TarEntry e, const std::string& data) {
    e.size = e.type == TarEntryType::kRegular ? data.size() : 0;
    StringReader r(data);
    REQUIRE(w.WriteEntry(e, &r).ok());
  };
  TarEntry dir;
  dir.path = "d/";
  dir.type = TarEntryType::kDirectory;
  add(dir, "");
  TarEntry f;
  f.path = "d/file";
  add(f, std::string(1000, 'a'));
  f.path = std::string(200, 'x');  // PAX path
  f.xattrs["user.k"] = "v";
  add(f, "pax");
  TarEntry l;
  l.path = "link";
  l.type = TarEntryType::kSymlink;
  l.link_target = "d/file";
  add(l, "");
  REQUIRE(w.Close().ok());
  return out.Take();
}

}  // namespace

TEST_CASE("GNU long names and long links are read") {
  std::string long_name(300, 'n');
  std::string long_link(250, 'l');
  RawHeader ln = H("././@LongLink", 'L');
  RawHeader lk = H("././@LongLink", 'K');
  RawHeader sym = H("short", '2');
  sym.magic = std::string("ustar  \0", 8);  // GNU magic
  sym.linkname = "trunc";
  std::string tar = Member(ln, long_name + '\0') + Member(lk, long_link + '\0') + Member(sym, "") + End();
  auto r = ReadAllEntries(tar);
  REQUIRE(r.ok());
  REQUIRE(r->entries.size() == 1);
  CHECK(r->entries[0].path == long_name);
  CHECK(r->entries[0].link_target == long_link);
  CHECK(r->entries[0].type == TarEntryType::kSymlink);
}

TEST_CASE("ustar prefix is joined to the name, but not in GNU headers") {
  RawHeader posix = H("name");
  posix.prefix = "some/dir";
  RawHeader gnu = H("name");
  gnu.magic = std::string("ustar  \0", 8);
  gnu.prefix = "ignored";  // GNU keeps atime/ctime here
  auto r = ReadAllEntries(Member(posix, "") + Member(gnu, "") + End());
  REQUIRE(r.ok());
  CHECK(r->entries[0].path == "some/dir/name");
  CHECK(r->entries[1].path == "name");
}

TEST_CASE("base-256 numeric fields are decoded") {
  RawHeader h = H("big");
  std::string size(12, '\0');
  size[0] = '\x80';
  size[11] = 5;  // 5 bytes, base-256
  h.size_field = size;
  std::string uid(8, '\0');
  uid[0] = '\x80';
  uid[5] = 0x01;  // 1 << 16
  h.uid_field = uid;
  auto r = ReadAllEntries(h.Block() + Padded("hello") + End());
  REQUIRE(r.ok());
  CHECK(r->entries[0].size == 5);
  CHECK(r->entries[0].uid == 65536);
  CHECK(r->data[0] == "hello");
}

TEST_CASE("PAX records override header fields, with fractional mtimes") {
  std::string pax = "30 mtime=1700000000.123456789\n"
                    "17 path=pax/name\n"
                    "14 uid=123456\n"
                    "25 SCHILY.xattr.user.a=b\n"
                    "20 LIBARCHIVE.x=yyy\n";
  auto r = ReadAllEntries(Member(H("PaxHeader", 'x'), pax) + Member(H("short"), "z") +
                          End());
  REQUIRE(r.ok());
  REQUIRE(r->entries.size() == 1);
  const TarEntry& e = r->entries[0];
  CHECK(e.path == "pax/name");
  CHECK(e.uid == 123456);
  CHECK(e.mtime == 1700000000);
  CHECK(e.mtime_nsec == 123456789);
  CHECK(e.xattrs.at("user.a") == "b");
  CHECK(e.pax_extra.at("LIBARCHIVE.x") == "yyy");
}

TEST_CASE("PAX global headers apply to later entries unless told to ignore them") {
  std::string tar = Member(H("g", 'g'), "16 uname=global\n") + Member(H("a"), "") +
                    Member(H("x", 'x'), "15 uname=local\n") + Member(H("b"), "") +
                    End();
  auto applied = ReadAllEntries(tar);
  REQUIRE(applied.ok());
  REQUIRE(applied->entries.size() == 2);
  CHECK(applied->entries[0].uname == "global");
  CHECK(applied->entries[1].uname == "local");
  TarReaderOptions ignore;
  ignore.apply_global_headers = false;
  auto ignored = ReadAllEntries(tar, ignore);
  REQUIRE(ignored.ok());
  CHECK(ignored->entries[0].uname.empty());
}

TEST_CASE("malformed PAX records are parse errors") {
  for (std::string bad : {"99 path=x\n", "abc path=x\n", "9 pathx\n", "10 path=x!", "6 =x\n"}) {
    auto r = ReadAllEntries(Member(H("p", 'x'), bad) + Member(H("f"), "") + End());
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kParse);
  }
}

TEST_CASE("old-style archives mark directories with a trailing slash") {
  RawHeader v7 = H("olddir/");
  v7.magic = "";
  v7.type = '\0';
  auto r = ReadAllEntries(Member(v7, "") + End());
  REQUIRE(r.ok());
  CHECK(r->entries[0].type == TarEntryType::kDirectory);
}

TEST_CASE("metadata bodies are limited in size") {
  TarReaderOptions small;
  small.max_metadata_size = 100;
  for (char type : {'x', 'L', 'K', 'g'}) {
    auto r = ReadAllEntries(Member(H("m", type), std::string(200, 'a')) +
                                Member(H("f"), "") + End(),
                            small);
    INFO(type);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kTooLarge);
  }
}

TEST_CASE("a corrupt header checksum is an error") {
  RawHeader h = H("file");
  h.bad_checksum = true;
  auto r = ReadAllEntries(Member(h, "data") + End());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kParse);
  CHECK_THAT(r.error().message(), Catch::Contains("checksum") && Catch::Contains("offset 0"));

  auto garbage = ReadAllEntries(std::string(2048, 'G'));
  REQUIRE_FALSE(garbage.ok());
  CHECK_THAT(garbage.error().message(), Catch::Contains("checksum"));
}

TEST_CASE("unsupported entry types are refused by name") {
  auto r = ReadAllEntries(Member(H("sparse", 'S'), "") + End());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kUnsupported);
  CHECK_THAT(r.error().message(), Catch::Contains("sparse"));
}

TEST_CASE("unread entry data is skipped, and partly read data too") {
  std::string tar = SampleArchive();
  auto skipped = ReadAllEntries(tar, {}, /*read_data=*/false);
  REQUIRE(skipped.ok());
  REQUIRE(skipped->entries.size() == 4);
  CHECK(skipped->entries[2].path == std::string(200, 'x'));

  StringReader in(tar);
  TarReader r(in);
  REQUIRE(r.Next().value()->path == "d/");
  REQUIRE(r.Next().value()->path == "d/file");
  char buf[10];
  REQUIRE(r.data().Read(buf, sizeof buf).value() == 10);
  auto third = r.Next();
  REQUIRE(third.ok());
  CHECK(ReadAll(r.data(), 100).value() == "pax");
  CHECK(r.Next().value()->type == TarEntryType::kSymlink);
  CHECK_FALSE(r.Next().value().has_value());
  CHECK_FALSE(r.Next().value().has_value());  // stays at the end
}

TEST_CASE("an archive may end without zero blocks at an entry boundary") {
  std::string tar = SampleArchive();
  auto r = ReadAllEntries(tar.substr(0, tar.size() - 1024));
  REQUIRE(r.ok());
  CHECK(r->entries.size() == 4);
  auto lone = ReadAllEntries(tar.substr(0, tar.size() - 512));  // one zero block
  REQUIRE(lone.ok());
  CHECK(lone->entries.size() == 4);
  CHECK(ReadAllEntries("").value().entries.empty());
}

TEST_CASE("a truncated archive is an error at every cut that is not an entry boundary") {
  std::string tar = SampleArchive();
  // Offsets where the archive may legitimately stop: before each logical entry and at the end.
  std::vector<size_t> boundaries;
  {
    StringReader in(tar);
    TarReader r(in);
    boundaries.push_back(0);
    for (;;) {
      auto next = r.Next().value();
      if (!next) break;
      REQUIRE(ReadAll(r.data(), UINT64_MAX).ok());
      // Data padding is consumed by the next Next(); round up to the block.
      boundaries.push_back((r.offset() + 511) / 512 * 512);
    }
    boundaries.push_back(tar.size() - 512);
    boundaries.push_back(tar.size());
  }
  for (size_t cut = 0; cut <= tar.size(); ++cut) {
    auto r = ReadAllEntries(tar.substr(0, cut));
    bool boundary = std::find(boundaries.begin(), boundaries.end(), cut) != boundaries.end();
    INFO("cut at " << cut);
    CHECK(r.ok() == boundary);
    if (!r.ok()) {
      CHECK(r.error().code() == ErrorCode::kParse);
    }
  }
}

TEST_CASE("flipped bytes never crash the reader") {
  std::string tar = SampleArchive();
  for (size_t i = 0; i < tar.size(); i += 3) {
    std::string bad = tar;
    bad[i] = static_cast<char>(bad[i] ^ 0xa5);
    auto r = ReadAllEntries(bad);
    if (r.ok()) {
      TarPathChecker checker;
      for (const auto& e : r->entries) (void)checker.Check(e);
    }
  }
}

TEST_CASE("data ending early is reported on the data reader and by Next") {
  std::string tar = Member(H("f"), std::string(2000, 'q'));
  StringReader in(tar.substr(0, 512 + 1000));
  TarReader r(in);
  REQUIRE(r.Next().value()->size == 2000);
  auto data = ReadAll(r.data(), UINT64_MAX);
  REQUIRE_FALSE(data.ok());
  CHECK_THAT(data.error().message(), Catch::Contains("\"f\"") && Catch::Contains("truncated"));
  CHECK_FALSE(r.Next().ok());
}

TEST_CASE("archives made by GNU tar are read") {
  if (std::system("tar --version >/dev/null 2>&1") != 0) {
    WARN("GNU tar not installed; skipped");
    return;
  }
  TempDir dir;
  std::string long_dir = std::string(120, 'L');
  std::filesystem::create_directories(dir / ("src/" + long_dir));
  hoist::testing::WriteFile(dir / ("src/" + long_dir + "/f"), "long");
  hoist::testing::WriteFile(dir / "src/short", "short");
  std::filesystem::create_symlink(std::string(130, 'T'), dir / "src/sym");
  for (const char* format : {"gnu", "pax", "ustar"}) {
    std::string cmd = std::string("tar --format=") + format + " -C " + (dir / "src") +
                      " -cf " + (dir / "a.tar") + " . 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) {
      CHECK(std::string(format) == "ustar");  // ustar cannot hold the long link target
      continue;
    }
    INFO(format);
    auto r = ReadAllEntries(hoist::testing::ReadFile(dir / "a.tar"));
    REQUIRE(r.ok());
    std::map<std::string, std::string> got;
    for (size_t i = 0; i < r->entries.size(); ++i) {
      const TarEntry& e = r->entries[i];
      got[CleanEntryPath(e.path).value()] =
          e.type == TarEntryType::kSymlink ? "-> " + e.link_target : r->data[i];
    }
    CHECK(got.at(long_dir + "/f") == "long");
    CHECK(got.at("short") == "short");
    CHECK(got.at("sym") == "-> " + std::string(130, 'T'));
  }
}
