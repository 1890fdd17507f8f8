#include "container/image_user.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <optional>
#include <sstream>
#include <vector>

#include "core/io.h"

namespace hoist::container {

namespace {

constexpr uint64_t kMaxAccountFile = 4 << 20;
constexpr int kMaxLinkHops = 40;

std::optional<uint32_t> ParseId(const std::string& s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > 0xFFFFFFFEu) return std::nullopt;
  return static_cast<uint32_t>(v);
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ':')) out.push_back(f);
  if (!line.empty() && line.back() == ':') out.emplace_back();
  return out;
}

// The entry of `file` (passwd or group) whose field 0 is `name` or, with by_id, field 2 is it.
std::optional<std::vector<std::string>> FindEntry(const std::string& file, const std::string& key, bool by_id) {
  std::stringstream ss(file);
  std::string line;
  while (std::getline(ss, line)) {
    auto f = Fields(line);
    if (f.size() < 3) continue;
    if ((by_id ? f[2] : f[0]) == key) return f;
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> ReadFileInRoot(const RootDir& root, const std::string& rel, uint64_t limit) {
  std::string path = rel;
  for (int hop = 0; hop < kMaxLinkHops; ++hop) {
    auto at = root.OpenParent(path, false);
    if (!at.ok()) return NotFound("/" + rel + " not found in the image");
    int fd = ::openat(at->dir.get(), at->name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
      FdReader r(fd, /*owned=*/true);
      struct stat st;
      if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return InvalidArgument("/" + rel + " is not a file");
      return ReadAll(r, limit);
    }
    if (errno == ENOENT) return NotFound("/" + rel + " not found in the image");
    if (errno != ELOOP) return ErrnoError("open /" + rel + " in the image", errno);
    // The last component is a symlink: follow it ourselves, inside the root.
    char buf[4096];
    ssize_t n = ::readlinkat(at->dir.get(), at->name.c_str(), buf, sizeof buf);
    if (n <= 0) return ErrnoError("readlink /" + rel + " in the image", errno);
    std::string target(buf, static_cast<size_t>(n));
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    path = target.front() == '/' ? target.substr(1) : dir + target;
    // ".." and "." are resolved by OpenParent's walk; a trailing one names no file.
    if (path.empty()) return InvalidArgument("/" + rel + " is not a file");
  }
  return ErrnoError("open /" + rel + " in the image", ELOOP);
}

Result<ImageUser> ResolveImageUser(const RootDir& root, const std::string& spec) {
  ImageUser user;
  if (spec.empty()) return ResolveImageUser(root, "0");  // root, with its home from /etc/passwd
  size_t colon = spec.find(':');
  std::string name = spec.substr(0, colon);
  std::string group = colon == std::string::npos ? "" : spec.substr(colon + 1);
  auto passwd = ReadFileInRoot(root, "etc/passwd", kMaxAccountFile);

  std::optional<std::vector<std::string>> entry;
  if (passwd.ok()) entry = FindEntry(*passwd, name, ParseId(name).has_value());
  if (auto id = ParseId(name)) {
    user.uid = *id;
    user.gid = entry ? ParseId((*entry)[3]).value_or(0) : 0;
  } else {
    if (!entry) return NotFound("user " + name + " not found in the image's /etc/passwd");
    auto uid = ParseId((*entry)[2]);
    auto gid = entry->size() > 3 ? ParseId((*entry)[3]) : std::nullopt;
    if (!uid || !gid) return ParseError("bad /etc/passwd entry for user " + name + " in the image");
    user.uid = *uid;
    user.gid = *gid;
  }
  if (entry && entry->size() > 5 && !(*entry)[5].empty()) user.home = (*entry)[5];

  if (!group.empty()) {
    if (auto id = ParseId(group)) {
      user.gid = *id;
    } else {
      auto groups = ReadFileInRoot(root, "etc/group", kMaxAccountFile);
      auto g = groups.ok() ? FindEntry(*groups, group, false) : std::nullopt;
      if (!g) return NotFound("group " + group + " not found in the image's /etc/group");
      auto gid = ParseId((*g)[2]);
      if (!gid) return ParseError("bad /etc/group entry for group " + group + " in the image");
      user.gid = *gid;
    }
  }
  return user;
}

}  // namespace hoist::container
