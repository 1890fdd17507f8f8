#include "core/tar_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "core/tar_reader.h"
#include "support/temp_dir.h"

using namespace hoist;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

struct Item {
  TarEntry entry;
  std::string data;
};

std::string WriteArchive(const std::vector<Item>& items, TarWriterOptions options = {}) {
  StringWriter out;
  TarWriter w(out, options);
  for (const auto& item : items) {
    StringReader data(item.data);
    auto st = w.WriteEntry(item.entry, &data);
    INFO(item.entry.path);
    REQUIRE(st.ok());
  }
  REQUIRE(w.Close().ok());
  CHECK(w.bytes_written() == out.str().size());
  CHECK(out.str().size() % 512 == 0);
  return out.Take();
}

std::vector<Item> ReadArchive(const std::string& tar) {
  StringReader in(tar);
  TarReader r(in);
  std::vector<Item> items;
  for (;;) {
    auto next = r.Next();
    INFO((next.ok() ? std::string() : next.error().ToString()));
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    Item item{std::move(**next), ""};
    item.data = ReadAll(r.data(), UINT64_MAX).value();
    items.push_back(std::move(item));
  }
  return items;
}

TarEntry Entry(TarEntryType type, std::string path, uint32_t mode = 0644) {
  TarEntry e;
  e.type = type;
  e.path = std::move(path);
  e.mode = mode;
  e.mtime = 1700000000;
  return e;
}

Item File(std::string path, std::string data) {
  TarEntry e = Entry(TarEntryType::kRegular, std::move(path));
  e.size = data.size();
  return {e, std::move(data)};
}

Item Linked(TarEntryType type, std::string path, std::string target) {
  TarEntry e = Entry(type, std::move(path), 0777);
  e.link_target = std::move(target);
  return {e, ""};
}

std::vector<Item> EveryKindOfEntry() {
  std::vector<Item> items;
  items.push_back({Entry(TarEntryType::kDirectory, "etc/", 0755), ""});
  Item hosts = File("etc/hosts", "127.0.0.1 localhost\n");
  hosts.entry.uid = 1000;
  hosts.entry.gid = 100;
  hosts.entry.uname = "builder";
  hosts.entry.gname = "users";
  hosts.entry.mode = 04755;
  items.push_back(hosts);
  items.push_back(File("empty", ""));
  items.push_back(File("big", std::string(70000, 'z')));
  items.push_back(Linked(TarEntryType::kSymlink, "bin", "usr/bin"));
  items.push_back(Linked(TarEntryType::kHardlink, "etc/hosts.bak", "etc/hosts"));
  TarEntry null = Entry(TarEntryType::kCharDevice, "dev/null", 0666);
  null.dev_major = 1;
  null.dev_minor = 3;
  items.push_back({null, ""});
  TarEntry sda = Entry(TarEntryType::kBlockDevice, "dev/sda", 0660);
  sda.dev_major = 8;
  sda.dev_minor = 0;
  items.push_back({sda, ""});
  items.push_back({Entry(TarEntryType::kFifo, "run/fifo"), ""});
  // Names that do not fit ustar: split into prefix/name, or moved into PAX records.
  std::string dir150(140, 'd');
  items.push_back(File(dir150 + "/file-with-a-ustar-prefix", "prefix"));
  items.push_back(File(std::string(300, 'p') + "/name", "pax path"));
  items.push_back(File("x/" + std::string(120, 'n'), "long last component"));
  items.push_back(Linked(TarEntryType::kSymlink, "longlink", std::string(200, 't')));
  items.push_back(Linked(TarEntryType::kHardlink, "hard-to-long", std::string(300, 'p') + "/name"));
  items.push_back(File("caf\xc3\xa9/na\xc3\xafve.txt", "utf-8"));
  Item x = File("xattrs", "with xattrs");
  x.entry.xattrs["user.comment"] = "hello";
  x.entry.xattrs["security.capability"] = std::string("\x01\x00\x00\x02\x00\x20\x00\x00", 8);
  items.push_back(x);
  Item ids = File("big-ids", "");
  ids.entry.uid = 3000000;
  ids.entry.gid = 4000000000;
  ids.entry.uname = std::string(40, 'u');
  ids.entry.gname = "gr\xc3\xbcppe";
  items.push_back(ids);
  Item old = File("before-1970", "");
  old.entry.mtime = -86400;
  items.push_back(old);
  Item future = File("far-future", "");
  future.entry.mtime = int64_t{1} << 40;
  items.push_back(future);
  Item extra = File("extra-records", "");
  extra.entry.pax_extra["comment"] = "kept as is";
  items.push_back(extra);
  return items;
}

void CheckSameEntries(const std::vector<Item>& got, const std::vector<Item>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("entry " << i << " " << want[i].entry.path);
    const TarEntry& g = got[i].entry;
    const TarEntry& w = want[i].entry;
    CHECK(g.path == w.path);
    CHECK(g.type == w.type);
    CHECK(g.link_target == w.link_target);
    CHECK(g.size == w.size);
    CHECK(g.mode == w.mode);
    CHECK(g.uid == w.uid);
    CHECK(g.gid == w.gid);
    CHECK(g.uname == w.uname);
    CHECK(g.gname == w.gname);
    CHECK(g.mtime == w.mtime);
    CHECK(g.mtime_nsec == w.mtime_nsec);
    CHECK(g.dev_major == w.dev_major);
    CHECK(g.dev_minor == w.dev_minor);
    CHECK(g.xattrs == w.xattrs);
    CHECK(g.pax_extra == w.pax_extra);
    CHECK(got[i].data == want[i].data);
  }
}

}  // namespace

TEST_CASE("every entry type survives a write and read round trip") {
  auto items = EveryKindOfEntry();
  CheckSameEntries(ReadArchive(WriteArchive(items)), items);
}

TEST_CASE("the same entries written twice give byte-identical archives") {
  auto items = EveryKindOfEntry();
  CHECK(WriteArchive(items) == WriteArchive(items));
}

TEST_CASE("short names use plain ustar headers without PAX records") {
  std::string path = std::string(140, 'd') + "/file";  // fits as prefix + name
  std::string tar = WriteArchive({File(path, "")});
  CHECK(tar.size() == 3 * 512);  // one header, two end blocks
  CHECK(tar.substr(257, 8) == std::string("ustar\0" "00", 8));
  CHECK(tar.substr(148, 8) == std::string(tar.substr(148, 6)) + std::string("\0 ", 2));
}

TEST_CASE("sub-second mtimes are kept only when asked") {
  Item f = File("f", "");
  f.entry.mtime_nsec = 500000000;
  auto dropped = ReadArchive(WriteArchive({f}));
  CHECK(dropped[0].entry.mtime_nsec == 0);
  TarWriterOptions keep;
  keep.subsecond_mtime = true;
  auto kept = ReadArchive(WriteArchive({f}, keep));
  CHECK(kept[0].entry.mtime == 1700000000);
  CHECK(kept[0].entry.mtime_nsec == 500000000);
  f.entry.mtime = -2;  // -1.5 seconds
  auto negative = ReadArchive(WriteArchive({f}, keep));
  CHECK(negative[0].entry.mtime == -2);
  CHECK(negative[0].entry.mtime_nsec == 500000000);
}

TEST_CASE("writer options fix or clamp mtimes and anonymize owners") {
  Item f = File("f", "x");
  f.entry.uid = 1000;
  f.entry.uname = "me";
  Item old = File("old", "y");
  old.entry.mtime = 100;
  TarWriterOptions fixed;
  fixed.fixed_mtime = 42;
  fixed.zero_owner = true;
  fixed.omit_owner_names = true;
  auto a = ReadArchive(WriteArchive({f, old}, fixed));
  CHECK(a[0].entry.mtime == 42);
  CHECK(a[1].entry.mtime == 42);
  CHECK(a[0].entry.uid == 0);
  CHECK(a[0].entry.uname.empty());
  TarWriterOptions clamp;
  clamp.clamp_mtime = 1000;
  auto b = ReadArchive(WriteArchive({f, old}, clamp));
  CHECK(b[0].entry.mtime == 1000);
  CHECK(b[1].entry.mtime == 100);
  CHECK(b[0].entry.uid == 1000);
}

TEST_CASE("file data must match the declared size") {
  StringWriter out;
  TarWriter w(out);
  TarEntry e = Entry(TarEntryType::kRegular, "f");
  e.size = 10;
  auto no_data = w.WriteEntry(e, nullptr);
  REQUIRE_FALSE(no_data.ok());
  CHECK(no_data.error().code() == ErrorCode::kInvalidArgument);
  StringReader longer("0123456789A");
  auto st = w.WriteEntry(e, &longer);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("longer"));
  StringReader fine("0123456789");
  CHECK_FALSE(w.WriteEntry(e, &fine).ok());  // the archive is broken now: refuse more

  StringWriter out2;
  TarWriter w2(out2);
  StringReader shorter("012");
  auto st2 = w2.WriteEntry(e, &shorter);
  REQUIRE_FALSE(st2.ok());
  CHECK_THAT(st2.error().message(), Catch::Contains("3 of 10"));
}

TEST_CASE("invalid entries are refused before anything is written") {
  StringWriter out;
  TarWriter w(out);
  CHECK_FALSE(w.WriteEntry(Entry(TarEntryType::kRegular, "")).ok());
  CHECK_FALSE(w.WriteEntry(Entry(TarEntryType::kRegular, std::string("a\0b", 3))).ok());
  CHECK_FALSE(w.WriteEntry(Linked(TarEntryType::kSymlink, "s", "").entry).ok());
  TarEntry bad_xattr = Entry(TarEntryType::kRegular, "f");
  bad_xattr.xattrs["a=b"] = "v";
  CHECK_FALSE(w.WriteEntry(bad_xattr).ok());
  CHECK(out.str().empty());
  CHECK(w.WriteEntry(Entry(TarEntryType::kDirectory, "d/")).ok());
  CHECK(w.Close().ok());
  CHECK_FALSE(w.WriteEntry(Entry(TarEntryType::kDirectory, "e/")).ok());
}

namespace {

// A small tree with every kind of file the tree writer handles.
void MakeTree(const std::string& root, bool reverse_order) {
  namespace fs = std::filesystem;
  std::vector<std::string> files = {"b/z.txt", "a.txt", "b/a.txt", "c/d/e.txt"};
  if (reverse_order) std::reverse(files.begin(), files.end());
  for (const auto& f : files) {
    fs::create_directories(fs::path(root + "/" + f).parent_path());
    WriteFile(root + "/" + f, "content of " + f);
  }
  fs::create_symlink("/etc", root + "/etc-link");
  fs::create_directory_symlink("b", root + "/b-link");
  fs::create_hard_link(root + "/b/z.txt", root + "/hard");
  REQUIRE(::mkfifo((root + "/fifo").c_str(), 0600) == 0);
  ::setxattr((root + "/a.txt").c_str(), "user.origin", "test", 4, 0);  // best effort
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    struct timespec times[2] = {{1600000000, 0}, {1600000000, 0}};
    ::utimensat(AT_FDCWD, e.path().c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  struct timespec times[2] = {{1600000000, 0}, {1600000000, 0}};
  ::utimensat(AT_FDCWD, root.c_str(), times, 0);
}

std::string ArchiveTree(const std::string& root, TarWriterOptions options = {}) {
  StringWriter out;
  TarWriter w(out, options);
  auto st = WriteDirectoryTree(root, w);
  INFO((st.ok() ? "" : st.error().ToString()));
  REQUIRE(st.ok());
  REQUIRE(w.Close().ok());
  return out.Take();
}

}  // namespace

TEST_CASE("a directory tree is archived sorted, without following symlinks, with hardlinks") {
  TempDir dir;
  MakeTree(dir.path(), false);
  auto items = ReadArchive(ArchiveTree(dir.path()));
  std::vector<std::string> paths;
  for (const auto& i : items) paths.push_back(i.entry.path);
  CHECK(paths == std::vector<std::string>{"a.txt", "b-link", "b/", "b/a.txt", "b/z.txt", "c/",
                                          "c/d/", "c/d/e.txt", "etc-link", "fifo", "hard"});
  CHECK(items[1].entry.type == TarEntryType::kSymlink);
  CHECK(items[1].entry.link_target == "b");
  CHECK(items[8].entry.link_target == "/etc");
  CHECK(items[2].entry.type == TarEntryType::kDirectory);
  CHECK(items[4].data == "content of b/z.txt");
  CHECK(items[9].entry.type == TarEntryType::kFifo);
  CHECK(items[10].entry.type == TarEntryType::kHardlink);
  CHECK(items[10].entry.link_target == "b/z.txt");
  CHECK(items[0].entry.mtime == 1600000000);
}

TEST_CASE("a directory tree written twice, or rebuilt, gives byte-identical archives") {
  TempDir one, two;
  MakeTree(one.path(), false);
  MakeTree(two.path(), true);
  CHECK(ArchiveTree(one.path()) == ArchiveTree(one.path()));
  TarWriterOptions reproducible;
  reproducible.clamp_mtime = 1650000000;
  CHECK(ArchiveTree(one.path(), reproducible) == ArchiveTree(two.path(), reproducible));
}

TEST_CASE("extended attributes of files are recorded") {
  TempDir dir;
  WriteFile(dir / "f", "x");
  if (::setxattr((dir / "f").c_str(), "user.origin", "test", 4, 0) != 0) {
    WARN("user xattrs not supported here; skipped");
    return;
  }
  auto items = ReadArchive(ArchiveTree(dir.path()));
  REQUIRE(items.size() == 1);
  CHECK(items[0].entry.xattrs.at("user.origin") == "test");
}

TEST_CASE("WriteDirectoryTree refuses a root that is not a directory") {
  TempDir dir;
  WriteFile(dir / "f", "x");
  StringWriter out;
  TarWriter w(out);
  CHECK_FALSE(WriteDirectoryTree(dir / "f", w).ok());
  CHECK(WriteDirectoryTree(dir / "missing", w).error().code() == ErrorCode::kNotFound);
}

TEST_CASE("GNU tar reads what TarWriter writes") {
  if (std::system("tar --version >/dev/null 2>&1") != 0) {
    WARN("GNU tar not installed; skipped");
    return;
  }
  TempDir dir;
  std::vector<Item> items = {File("short", "a"), File(std::string(300, 'p') + "/name", "b"),
                             Linked(TarEntryType::kSymlink, "l", std::string(150, 't'))};
  WriteFile(dir / "a.tar", WriteArchive(items));
  std::string cmd = "tar -tf " + (dir / "a.tar") + " > " + (dir / "list");
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(hoist::testing::ReadFile(dir / "list") ==
        "short\n" + std::string(300, 'p') + "/name\nl\n");
}
