// WriteDirectoryTree and WriteFileEntry (declared in core/tar_writer.h): file system objects as
// archive entries, and a directory tree as a reproducible archive.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <utility>
#include <vector>

#include "core/fs.h"
#include "core/tar_path.h"
#include "core/tar_writer.h"

namespace hoist {

namespace {

struct Item {
  std::string rel;  // relative to root, no leading or trailing '/'
  std::string key;  // sort key: rel, plus '/' for directories so their contents follow them
  struct stat st;
};

// Lists everything below root (lstat: symlinks are never followed).
Result<std::vector<Item>> Walk(const std::string& root) {
  std::vector<Item> items;
  std::vector<std::string> pending = {""};
  while (!pending.empty()) {
    std::string dir = std::move(pending.back());
    pending.pop_back();
    std::string abs = dir.empty() ? root : root + "/" + dir;
    HOIST_TRY_ASSIGN(auto names, ListDirNames(abs));
    for (const std::string& name : names) {
      Item item;
      item.rel = dir.empty() ? name : dir + "/" + name;
      std::string path = root + "/" + item.rel;
      if (::lstat(path.c_str(), &item.st) != 0) return ErrnoError("stat " + path, errno);
      item.key = item.rel;
      if (S_ISDIR(item.st.st_mode)) {
        pending.push_back(item.rel);
        item.key += '/';
      }
      items.push_back(std::move(item));
    }
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  return items;
}

Result<std::string> ReadSymlink(const std::string& path, size_t hint) {
  std::string buf(std::max<size_t>(hint, 64) + 1, '\0');
  for (;;) {
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0) return ErrnoError("readlink " + path, errno);
    if (static_cast<size_t>(n) < buf.size()) return buf.substr(0, static_cast<size_t>(n));
    buf.resize(buf.size() * 2);  // the link grew since lstat
  }
}

bool KeepXattr(const std::string& name) {
  return name.rfind("system.", 0) != 0 && name != "security.selinux";
}

Status ReadXattrs(const std::string& path, std::map<std::string, std::string>* out) {
  std::string names;
  for (;;) {
    ssize_t n = ::llistxattr(path.c_str(), names.data(), names.size());
    if (n < 0) {
      if (errno == ENOTSUP) return Ok();
      if (errno == ERANGE) {
        names.clear();
        continue;
      }
      return ErrnoError("list xattrs of " + path, errno);
    }
    if (names.empty() && n > 0) {
      names.resize(static_cast<size_t>(n));
      continue;
    }
    names.resize(static_cast<size_t>(n));
    break;
  }
  for (size_t pos = 0; pos < names.size();) {
    std::string name = names.c_str() + pos;
    pos += name.size() + 1;
    if (name.empty() || !KeepXattr(name)) continue;
    std::string value;
    for (;;) {
      ssize_t n = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
      if (n < 0) {
        if (errno == ENODATA) break;  // removed meanwhile
        if (errno == ERANGE) {
          value.clear();
          continue;
        }
        return ErrnoError("read xattr " + name + " of " + path, errno);
      }
      if (value.empty() && n > 0) {
        value.resize(static_cast<size_t>(n));
        continue;
      }
      value.resize(static_cast<size_t>(n));
      (*out)[name] = value;
      break;
    }
  }
  return Ok();
}

}  // namespace

Status WriteFileEntry(TarWriter& writer, const std::string& path, const struct stat& st, std::string archive_path,
                      bool xattrs, TarHardlinks& hardlinks) {
  TarEntry e;
  e.path = std::move(archive_path);
  e.mode = st.st_mode & 07777;
  e.uid = st.st_uid;
  e.gid = st.st_gid;
  e.mtime = st.st_mtim.tv_sec;
  e.mtime_nsec = static_cast<uint32_t>(st.st_mtim.tv_nsec);
  if (S_ISSOCK(st.st_mode)) return Ok();  // tar cannot hold sockets; GNU tar skips them too

  if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
    auto [it, first] = hardlinks.emplace(std::make_pair(st.st_dev, st.st_ino), e.path);
    if (!first) {
      e.type = TarEntryType::kHardlink;
      e.link_target = it->second;
      return writer.WriteEntry(e);
    }
  }
  if (xattrs) HOIST_TRY(ReadXattrs(path, &e.xattrs));

  if (S_ISREG(st.st_mode)) {
    e.type = TarEntryType::kRegular;
    e.size = static_cast<uint64_t>(st.st_size);
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return ErrnoError("open " + path, errno);
    FdReader data(fd, /*owned=*/true);
    struct stat now;
    if (::fstat(fd, &now) != 0) return ErrnoError("stat " + path, errno);
    if (now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
      return IOError(path + " was replaced while it was being archived");
    }
    return writer.WriteEntry(e, &data);
  }
  if (S_ISDIR(st.st_mode)) {
    e.type = TarEntryType::kDirectory;
    e.path += '/';
  } else if (S_ISLNK(st.st_mode)) {
    e.type = TarEntryType::kSymlink;
    HOIST_TRY_ASSIGN(e.link_target, ReadSymlink(path, static_cast<size_t>(st.st_size)));
  } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    e.type = S_ISCHR(st.st_mode) ? TarEntryType::kCharDevice : TarEntryType::kBlockDevice;
    e.dev_major = major(st.st_rdev);
    e.dev_minor = minor(st.st_rdev);
  } else if (S_ISFIFO(st.st_mode)) {
    e.type = TarEntryType::kFifo;
  } else {
    return Unsupported(path + " has a file type tar cannot store");
  }
  return writer.WriteEntry(e);
}

Status WriteDirectoryTree(const std::string& root, TarWriter& writer, const TarTreeOptions& options) {
  struct stat st;
  if (::lstat(root.c_str(), &st) != 0) return ErrnoError("stat " + root, errno);
  if (!S_ISDIR(st.st_mode)) return InvalidArgument(root + " is not a directory");
  HOIST_TRY_ASSIGN(std::vector<Item> items, Walk(root));
  TarHardlinks hardlinks;
  for (const Item& item : items) {
    auto s = WriteFileEntry(writer, root + "/" + item.rel, item.st, options.prefix + item.rel, options.xattrs, hardlinks);
    if (!s.ok()) return std::move(s).error().WithContext("archiving " + root);
  }
  return Ok();
}

}  // namespace hoist
