#pragma once
// Test helpers for src/container: layer tars built in memory, and a directory tree described as a map
// (path → "type mode content") so two trees compare file by file.

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "core/io.h"
#include "core/tar_writer.h"

namespace hoist::container::testing {

// A layer under construction: entries appended in order, Take() gives the tar bytes.
class LayerBuilder {
 public:
  LayerBuilder() : tar_(out_) {}
  LayerBuilder& File(const std::string& path, const std::string& content, uint32_t mode = 0644) {
    TarEntry e = Base(path, TarEntryType::kRegular, mode);
    e.size = content.size();
    StringReader r(content);
    REQUIRE(tar_.WriteEntry(e, &r).ok());
    return *this;
  }
  LayerBuilder& Dir(const std::string& path, uint32_t mode = 0755) {
    REQUIRE(tar_.WriteEntry(Base(path, TarEntryType::kDirectory, mode)).ok());
    return *this;
  }
  LayerBuilder& Symlink(const std::string& path, const std::string& target) {
    TarEntry e = Base(path, TarEntryType::kSymlink, 0777);
    e.link_target = target;
    REQUIRE(tar_.WriteEntry(e).ok());
    return *this;
  }
  LayerBuilder& Hardlink(const std::string& path, const std::string& target) {
    TarEntry e = Base(path, TarEntryType::kHardlink, 0644);
    e.link_target = target;
    REQUIRE(tar_.WriteEntry(e).ok());
    return *this;
  }
  LayerBuilder& Entry(const TarEntry& e, const std::string& content = "") {
    StringReader r(content);
    REQUIRE(tar_.WriteEntry(e, &r).ok());
    return *this;
  }
  LayerBuilder& Whiteout(const std::string& path) { return File(path, "", 0644); }
  std::string Take() {
    REQUIRE(tar_.Close().ok());
    return out_.Take();
  }
  static TarEntry Base(const std::string& path, TarEntryType type, uint32_t mode) {
    TarEntry e;
    e.path = path;
    e.type = type;
    e.mode = mode;
    e.mtime = 1700000000;
    return e;
  }

 private:
  StringWriter out_;
  TarWriter tar_;
};

inline std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct SnapshotOptions {
  bool mtimes = false;
  bool owners = false;
  std::string skip;  // a relative path left out (with everything below it)
};

// path → "d 755", "f 644 <content>", "l -> target", "c 1,3 666", ...
inline void SnapshotInto(const std::string& root, const std::string& rel, const SnapshotOptions& o,
                         std::map<std::string, std::string>& out) {
  std::string dir = rel.empty() ? root : root + "/" + rel;
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (struct dirent* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name == "." || name == "..") continue;
    std::string r = rel.empty() ? name : rel + "/" + name;
    if (!o.skip.empty() && r == o.skip) continue;
    std::string p = root + "/" + r;
    struct stat st;
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    std::ostringstream desc;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%o", st.st_mode & 07777);
    if (S_ISDIR(st.st_mode)) {
      desc << "d " << mode;
    } else if (S_ISREG(st.st_mode)) {
      desc << "f " << mode << " " << ReadWhole(p);
    } else if (S_ISLNK(st.st_mode)) {
      char buf[4096];
      ssize_t n = ::readlink(p.c_str(), buf, sizeof buf);
      desc << "l -> " << std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      desc << (S_ISCHR(st.st_mode) ? "c " : "b ") << major(st.st_rdev) << "," << minor(st.st_rdev) << " " << mode;
    } else if (S_ISFIFO(st.st_mode)) {
      desc << "p " << mode;
    }
    if (o.mtimes) desc << " @" << st.st_mtim.tv_sec;
    if (o.owners) desc << " " << st.st_uid << ":" << st.st_gid;
    out[r] = desc.str();
    if (S_ISDIR(st.st_mode)) SnapshotInto(root, r, o, out);
  }
  ::closedir(d);
}

inline std::map<std::string, std::string> Snapshot(const std::string& root, const SnapshotOptions& o = {}) {
  std::map<std::string, std::string> out;
  SnapshotInto(root, "", o, out);
  return out;
}

// A tiny root filesystem from Debian's busybox-static: /bin/busybox and applet symlinks, an
// /etc/passwd with root and a user "app" (1000:1000). False when busybox is not installed.
inline bool MakeBusyboxRootfs(const std::string& dir) {
  if (::access("/bin/busybox", X_OK) != 0) return false;
  REQUIRE(::chmod(dir.c_str(), 0755) == 0);  // mkdtemp makes 0700, which only root could enter
  REQUIRE(::mkdir((dir + "/bin").c_str(), 0755) == 0);
  REQUIRE(::mkdir((dir + "/etc").c_str(), 0755) == 0);
  {
    std::ifstream in("/bin/busybox", std::ios::binary);
    std::ofstream out(dir + "/bin/busybox", std::ios::binary);
    out << in.rdbuf();
  }
  REQUIRE(::chmod((dir + "/bin/busybox").c_str(), 0755) == 0);
  for (const char* applet : {"sh", "cat", "echo", "rm", "ls", "vi", "id", "touch", "hostname", "mkdir", "test"}) {
    REQUIRE(::symlink("busybox", (dir + "/bin/" + applet).c_str()) == 0);
  }
  std::ofstream(dir + "/etc/passwd") << "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n";
  std::ofstream(dir + "/etc/group") << "root:x:0:\nstaff:x:50:\n";
  return true;
}

}  // namespace hoist::container::testing
