#include "builder/source_paths.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "container/root_dir.h"
#include "core/fs.h"
#include "core/tar_path.h"

namespace hoist::builder {

namespace {

constexpr int kMaxSymlinks = 40;

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (slash > pos) parts.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

// Clean, with ".." stopping at the root (how a path resolves inside a container).
}  // namespace

std::string CleanInRoot(const std::string& path) {
  std::vector<std::string> out;
  for (auto& p : Split(path)) {
    if (p == ".") continue;
    if (p == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(std::move(p));
  }
  std::string s;
  for (const auto& p : out) s += (s.empty() ? "" : "/") + p;
  return s.empty() ? "." : s;
}

namespace {

Result<std::string> CleanPattern(const SourceTree& tree, const std::string& pattern) {
  size_t start = pattern.find_first_not_of('/');
  std::string rel = start == std::string::npos ? "." : pattern.substr(start);
  if (!tree.is_context) return CleanInRoot(rel);
  auto clean = CleanEntryPath(rel);
  if (!clean.ok()) return UnsafePath("source " + QuotePath(pattern) + " is outside " + tree.what);
  return *clean;
}

std::string DirName(const std::string& rel) {
  auto slash = rel.rfind('/');
  return slash == std::string::npos ? "." : rel.substr(0, slash);
}

Result<std::vector<std::string>> ListNames(const container::RootDir& root, const std::string& rel) {
  auto dir = root.OpenDir(rel, false);
  if (!dir.ok()) return std::vector<std::string>{};
  return ListDirNames(dir->get(), rel);
}

bool Exists(const container::RootDir& root, const std::string& rel) {
  if (rel == ".") return true;
  auto parent = root.OpenParent(rel, false);
  if (!parent.ok()) return false;
  struct stat st;
  return ::fstatat(parent->dir.get(), parent->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

bool IsDir(const container::RootDir& root, const std::string& rel) {
  if (rel == ".") return true;
  auto parent = root.OpenParent(rel, false);
  if (!parent.ok()) return false;
  struct stat st;
  return ::fstatat(parent->dir.get(), parent->name.c_str(), &st, 0) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

bool HasWildcard(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

Result<std::vector<std::string>> MatchSources(const container::RootDir& root, const SourceTree& tree,
                                              const std::string& pattern) {
  HOIST_TRY_ASSIGN(std::string clean, CleanPattern(tree, pattern));
  std::vector<std::string> candidates = {"."};
  for (const auto& component : Split(clean)) {
    std::vector<std::string> next;
    for (const auto& cand : candidates) {
      if (!HasWildcard(component)) {
        next.push_back(JoinRel(cand, component));
        continue;
      }
      HOIST_TRY_ASSIGN(auto names, ListNames(root, cand));
      for (const auto& n : names) {
        if (::fnmatch(component.c_str(), n.c_str(), 0) == 0) next.push_back(JoinRel(cand, n));
      }
    }
    candidates = std::move(next);
  }
  std::vector<std::string> found;
  for (const auto& c : candidates) {
    if (!Exists(root, c)) continue;
    if (tree.filter.Check(c, IsDir(root, c)) == SourceFilter::Verdict::kSkip) continue;
    found.push_back(c);
  }
  if (found.empty()) {
    std::string msg = "source " + QuotePath(pattern) + " not found in " + tree.what;
    if (tree.is_context && tree.filter.excluded) msg += " (or excluded by .dockerignore)";
    return NotFound(msg);
  }
  return found;
}

Result<SourceEntry> ResolveSource(const container::RootDir& root, const SourceTree& tree, const std::string& rel) {
  if (tree.is_context) {
    std::string host = tree.path + "/" + rel;
    char real[PATH_MAX];
    if (::realpath(host.c_str(), real) == nullptr) {
      if (errno == ENOENT) return NotFound("source " + QuotePath(rel) + " is a symlink to nothing in " + tree.what);
      return ErrnoError("resolve " + host, errno);
    }
    std::string r = real;
    if (r != tree.path && r.compare(0, tree.path.size() + 1, tree.path + "/") != 0) {
      return UnsafePath("source " + QuotePath(rel) + " is a symlink pointing outside " + tree.what);
    }
  }
  std::string cur = rel;
  for (int hops = 0; hops <= kMaxSymlinks; ++hops) {
    if (cur == ".") {
      int fd = ::openat(root.fd(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0) return ErrnoError("open " + tree.what, errno);
      return SourceEntry{container::UniqueFd(fd), ".", ".", "."};
    }
    auto parent = root.OpenParent(cur, false);
    if (!parent.ok()) return NotFound("source " + QuotePath(rel) + " not found in " + tree.what);
    struct stat st;
    if (::fstatat(parent->dir.get(), parent->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return NotFound("source " + QuotePath(rel) + " not found in " + tree.what);
    }
    if (!S_ISLNK(st.st_mode)) {
      auto slash = rel.rfind('/');
      return SourceEntry{std::move(parent->dir), parent->name, cur, slash == std::string::npos ? rel : rel.substr(slash + 1)};
    }
    std::string target(PATH_MAX, '\0');
    ssize_t n = ::readlinkat(parent->dir.get(), parent->name.c_str(), target.data(), target.size());
    if (n < 0) return ErrnoError("readlink " + cur, errno);
    target.resize(static_cast<size_t>(n));
    cur = CleanInRoot(target[0] == '/' ? target : DirName(cur) + "/" + target);
  }
  return UnsafePath("source " + QuotePath(rel) + ": too many levels of symlinks");
}

}  // namespace hoist::builder
