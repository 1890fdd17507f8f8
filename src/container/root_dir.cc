#include "container/root_dir.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <deque>
#include <vector>

#include "core/fs.h"
#include "core/tar_path.h"

namespace hoist::container {

namespace {

constexpr int kMaxSymlinks = 40;  // what the kernel allows in one lookup

std::atomic<bool> g_openat2_disabled{false};

std::deque<std::string> SplitPath(std::string_view path) {
  std::deque<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) parts.emplace_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

// openat2 with RESOLVE_IN_ROOT: -1 with errno set on failure (ENOSYS where the kernel lacks it).
int OpenInRoot(int root_fd, std::string_view rel) {
  if (g_openat2_disabled.load()) {
    errno = ENOSYS;
    return -1;
  }
  struct open_how how = {};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  std::string path(rel);
  long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof(how));
  return static_cast<int>(fd);
}

Result<std::string> ReadLinkAt(int fd) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(fd, "", buf.data(), buf.size());
    if (n < 0) return ErrnoError("readlink", errno);
    if (static_cast<size_t>(n) < buf.size()) return buf.substr(0, static_cast<size_t>(n));
    buf.resize(buf.size() * 2);
  }
}

}  // namespace

void RootDir::DisableOpenat2ForTesting(bool disable) { g_openat2_disabled.store(disable); }

Result<RootDir> RootDir::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open root directory " + path, errno);
  return RootDir(path, UniqueFd(fd));
}

Result<UniqueFd> RootDir::OpenDir(std::string_view rel, bool create_missing) const {
  if (rel.empty() || rel == ".") {
    int fd = ::openat(fd_.get(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoError("open " + path_, errno);
    return UniqueFd(fd);
  }
  int fd = OpenInRoot(fd_.get(), rel);
  if (fd >= 0) return UniqueFd(fd);
  int err = errno;
  // ENOSYS: no openat2; EPERM: a seccomp filter refusing it; EAGAIN: a concurrent rename;
  // ENOENT: a directory to create. The walk handles each.
  if (err == ENOSYS || err == EPERM || err == EAGAIN || (err == ENOENT && create_missing)) {
    if (err == ENOSYS) g_openat2_disabled.store(true);
    return WalkDir(rel, create_missing);
  }
  return ErrnoError("open directory " + QuotePath(rel) + " in " + path_, err);
}

// The manual equivalent of RESOLVE_IN_ROOT: one component at a time with O_NOFOLLOW, symlinks
// read and spliced into the remaining path, ".." and absolute targets clamped at the root.
Result<UniqueFd> RootDir::WalkDir(std::string_view rel, bool create_missing) const {
  std::vector<UniqueFd> stack;
  {
    int root = ::openat(fd_.get(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return ErrnoError("open " + path_, errno);
    stack.emplace_back(root);
  }
  std::deque<std::string> todo = SplitPath(rel);
  int links = 0;
  auto fail = [&](const std::string& why, int err) {
    return ErrnoError("resolve " + QuotePath(rel) + " in " + path_ + ": " + why, err);
  };
  while (!todo.empty()) {
    std::string comp = std::move(todo.front());
    todo.pop_front();
    if (comp == ".") continue;
    if (comp == "..") {
      if (stack.size() > 1) stack.pop_back();
      continue;
    }
    int cur = stack.back().get();
    UniqueFd fd(::openat(cur, comp.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
      if (errno != ENOENT || !create_missing) return fail(QuotePath(comp), errno);
      if (::mkdirat(cur, comp.c_str(), 0755) != 0 && errno != EEXIST) {
        return fail("create " + QuotePath(comp), errno);
      }
      fd.Reset(::openat(cur, comp.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (!fd.valid()) return fail(QuotePath(comp), errno);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return fail(QuotePath(comp), errno);
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) return fail("too many symlinks", ELOOP);
      HOIST_TRY_ASSIGN(std::string target, ReadLinkAt(fd.get()));
      if (target.empty()) return fail("empty symlink " + QuotePath(comp), ENOENT);
      if (target.front() == '/') stack.resize(1);
      std::deque<std::string> spliced = SplitPath(target);
      todo.insert(todo.begin(), spliced.begin(), spliced.end());
      continue;
    }
    if (!S_ISDIR(st.st_mode)) return fail(QuotePath(comp) + " is not a directory", ENOTDIR);
    stack.push_back(std::move(fd));
  }
  return std::move(stack.back());
}

Result<ParentAndName> RootDir::OpenParent(std::string_view rel, bool create_missing) const {
  size_t slash = rel.rfind('/');
  std::string_view name = slash == std::string_view::npos ? rel : rel.substr(slash + 1);
  std::string_view parent = slash == std::string_view::npos ? std::string_view(".") : rel.substr(0, slash);
  if (name.empty() || name == "." || name == "..") {
    return UnsafePath(QuotePath(rel) + " does not name an entry below the root");
  }
  HOIST_TRY_ASSIGN(UniqueFd dir, OpenDir(parent, create_missing));
  return ParentAndName{std::move(dir), std::string(name)};
}

Status RemoveTreeAt(int dir_fd, const std::string& name, const std::string& what) {
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) return Ok();
  if (errno != EISDIR && errno != EPERM) return ErrnoError("remove " + what, errno);
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES) {
    // A directory without read or search permission for us: give the owner access first.
    ::fchmodat(dir_fd, name.c_str(), 0700, 0);
    fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) return ErrnoError("open " + what + " to remove it", errno);
  struct stat st;
  if (::fstat(fd, &st) == 0 && (st.st_mode & 0700) != 0700) ::fchmod(fd, (st.st_mode & 07777) | 0700);
  UniqueFd dir(fd);
  HOIST_TRY_ASSIGN(auto names, ListDirNames(dir.get(), what));  // all names first: removing while reading skips some
  for (const auto& n : names) HOIST_TRY(RemoveTreeAt(dir.get(), n, what + "/" + n));
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return ErrnoError("remove " + what, errno);
  }
  return Ok();
}

}  // namespace hoist::container
