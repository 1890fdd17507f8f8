#include "builder/tree_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "container/root_dir.h"
#include "container/unique_fd.h"
#include "core/fs.h"
#include "core/tar_path.h"

namespace hoist::builder {

namespace {

Result<container::UniqueFd> OpenChildDir(int dir, const std::string& name, const std::string& what) {
  int fd = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open directory " + what, errno);
  return container::UniqueFd(fd);
}

Result<std::string> ReadLinkAt(int dir, const std::string& name, const std::string& what) {
  std::string target(PATH_MAX, '\0');
  ssize_t n = ::readlinkat(dir, name.c_str(), target.data(), target.size());
  if (n < 0) return ErrnoError("readlink " + what, errno);
  target.resize(static_cast<size_t>(n));
  return target;
}

// Without root (and outside a user namespace) files stay ours: owners are what a rootless build
// cannot set, as with `hoist run` by a normal user.
bool Unprivileged(int err) { return err == EPERM && ::geteuid() != 0; }

// Makes room for a new entry: anything there that is not a directory we may merge into goes.
Status ClearFor(int dir, const std::string& name, bool want_dir, const std::string& what) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Ok();
  if (want_dir && S_ISDIR(st.st_mode)) return Ok();
  return container::RemoveTreeAt(dir, name, what);
}

class Copier {
 public:
  explicit Copier(const TreeCopyOptions& o) : o_(o) {}

  Status Entry(int src_dir, const std::string& name, const std::string& rel, const struct stat& st, int dst_dir,
               const std::string& dst_name) {
    const std::string what = QuotePath(rel);
    const mode_t mode = o_.mode ? *o_.mode : (st.st_mode & 07777);
    struct timespec times[2] = {st.st_mtim, st.st_mtim};
    const uid_t uid = o_.keep_owner ? st.st_uid : o_.uid;
    const gid_t gid = o_.keep_owner ? st.st_gid : o_.gid;
    if (S_ISDIR(st.st_mode)) {
      HOIST_TRY(ClearFor(dst_dir, dst_name, true, what));
      if (::mkdirat(dst_dir, dst_name.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoError("create " + what, errno);
      HOIST_TRY_ASSIGN(container::UniqueFd in, OpenChildDir(src_dir, name, what));
      HOIST_TRY_ASSIGN(container::UniqueFd out, OpenChildDir(dst_dir, dst_name, what));
      HOIST_TRY(Children(in.get(), rel, out.get()));
      if (::fchown(out.get(), uid, gid) != 0 && !Unprivileged(errno)) return ErrnoError("chown " + what, errno);
      if (::fchmod(out.get(), mode) != 0) return ErrnoError("chmod " + what, errno);
      if (::futimens(out.get(), times) != 0) return ErrnoError("set times of " + what, errno);
      return Ok();
    }
    HOIST_TRY(ClearFor(dst_dir, dst_name, false, what));
    if (S_ISREG(st.st_mode)) {
      container::UniqueFd in(::openat(src_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!in.valid()) return ErrnoError("open " + what, errno);
      container::UniqueFd out(
          ::openat(dst_dir, dst_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!out.valid()) return ErrnoError("create " + what, errno);
      char buf[65536];
      for (;;) {
        ssize_t n = ::read(in.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return ErrnoError("read " + what, errno);
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
          ssize_t w = ::write(out.get(), buf + off, static_cast<size_t>(n - off));
          if (w < 0 && errno == EINTR) continue;
          if (w < 0) return ErrnoError("write " + what, errno);
          off += w;
        }
      }
      if (::fchown(out.get(), uid, gid) != 0 && !Unprivileged(errno)) return ErrnoError("chown " + what, errno);
      if (::fchmod(out.get(), mode) != 0) return ErrnoError("chmod " + what, errno);
      if (::futimens(out.get(), times) != 0) return ErrnoError("set times of " + what, errno);
      return Ok();
    }
    if (S_ISLNK(st.st_mode)) {
      HOIST_TRY_ASSIGN(std::string target, ReadLinkAt(src_dir, name, what));
      if (::symlinkat(target.c_str(), dst_dir, dst_name.c_str()) != 0) return ErrnoError("create " + what, errno);
    } else if (S_ISFIFO(st.st_mode)) {
      if (::mkfifoat(dst_dir, dst_name.c_str(), 0600) != 0) return ErrnoError("create " + what, errno);
    } else {
      return Ok();  // sockets and devices have no place in an image built from files
    }
    if (::fchownat(dst_dir, dst_name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0 && !Unprivileged(errno)) {
      return ErrnoError("chown " + what, errno);
    }
    if (S_ISFIFO(st.st_mode) && ::fchmodat(dst_dir, dst_name.c_str(), mode, 0) != 0) {
      return ErrnoError("chmod " + what, errno);
    }
    if (::utimensat(dst_dir, dst_name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoError("set times of " + what, errno);
    }
    return Ok();
  }

  Status Children(int src_dir, const std::string& rel, int dst_dir) {
    HOIST_TRY_ASSIGN(auto names, ListDirNames(src_dir, QuotePath(rel)));
    for (const auto& n : names) {
      struct stat st;
      std::string child = JoinRel(rel, n);
      if (::fstatat(src_dir, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return ErrnoError("stat " + child, errno);
      if (o_.filter && o_.filter->Check(child, S_ISDIR(st.st_mode)) == SourceFilter::Verdict::kSkip) continue;
      HOIST_TRY(Entry(src_dir, n, child, st, dst_dir, n));
    }
    return Ok();
  }

 private:
  const TreeCopyOptions& o_;
};

Result<struct stat> StatSource(const SourceEntry& src) {
  struct stat st;
  int rc = src.name == "." ? ::fstat(src.dir.get(), &st) : ::fstatat(src.dir.get(), src.name.c_str(), &st, AT_SYMLINK_NOFOLLOW);
  if (rc != 0) return ErrnoError("stat " + QuotePath(src.rel), errno);
  return st;
}

Result<container::UniqueFd> OpenSourceDir(const SourceEntry& src) {
  int fd = ::openat(src.dir.get(), src.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + QuotePath(src.rel), errno);
  return container::UniqueFd(fd);
}

void HashField(Hasher& h, const std::string& s) {
  h.Update(s);
  h.Update(std::string_view("\0", 1));
}

Status HashTree(int dir, const std::string& name, const std::string& rel, const struct stat& st,
                const SourceFilter* filter, Hasher& h) {
  HashField(h, rel);
  HashField(h, std::to_string(st.st_mode));
  if (S_ISREG(st.st_mode)) {
    container::UniqueFd in(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in.valid()) return ErrnoError("open " + QuotePath(rel), errno);
    Hasher content;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(in.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("read " + QuotePath(rel), errno);
      if (n == 0) break;
      content.Update(buf, static_cast<size_t>(n));
    }
    HashField(h, content.Finish().str());
  } else if (S_ISLNK(st.st_mode)) {
    HOIST_TRY_ASSIGN(std::string target, ReadLinkAt(dir, name, QuotePath(rel)));
    HashField(h, target);
  } else if (S_ISDIR(st.st_mode)) {
    HOIST_TRY_ASSIGN(container::UniqueFd sub, OpenChildDir(dir, name, QuotePath(rel)));
    HOIST_TRY_ASSIGN(auto names, ListDirNames(sub.get(), QuotePath(rel)));
    for (const auto& n : names) {
      struct stat cst;
      std::string child = JoinRel(rel, n);
      if (::fstatat(sub.get(), n.c_str(), &cst, AT_SYMLINK_NOFOLLOW) != 0) return ErrnoError("stat " + child, errno);
      if (filter && filter->Check(child, S_ISDIR(cst.st_mode)) == SourceFilter::Verdict::kSkip) continue;
      HOIST_TRY(HashTree(sub.get(), n, child, cst, filter, h));
    }
  }
  return Ok();
}

}  // namespace

Result<bool> SourceIsDir(const SourceEntry& src) {
  HOIST_TRY_ASSIGN(struct stat st, StatSource(src));
  return S_ISDIR(st.st_mode);
}

Status CopySource(const SourceEntry& src, const container::RootDir& dest, const std::string& dest_rel, bool into_dir,
                  const TreeCopyOptions& options) {
  HOIST_TRY_ASSIGN(struct stat st, StatSource(src));
  Copier copier(options);
  if (S_ISDIR(st.st_mode)) {
    HOIST_TRY_ASSIGN(container::UniqueFd dest_dir, dest.OpenDir(dest_rel, /*create_missing=*/true));
    HOIST_TRY_ASSIGN(container::UniqueFd in, OpenSourceDir(src));
    return copier.Children(in.get(), src.rel, dest_dir.get());
  }
  std::string target = dest_rel;
  if (into_dir) {
    target = JoinRel(dest_rel, src.as_name.empty() ? src.name : src.as_name);
  }
  if (target == ".") return InvalidArgument("cannot copy file " + QuotePath(src.rel) + " onto the root directory");
  HOIST_TRY_ASSIGN(container::ParentAndName parent, dest.OpenParent(target, /*create_missing=*/true));
  return copier.Entry(src.dir.get(), src.name, src.rel, st, parent.dir.get(), parent.name);
}

Status HashSource(const SourceEntry& src, const SourceFilter* filter, Hasher& hasher) {
  HOIST_TRY_ASSIGN(struct stat st, StatSource(src));
  if (src.name == ".") {
    // The root: hash its children under their own names.
    HOIST_TRY_ASSIGN(container::UniqueFd in, OpenSourceDir(src));
    HOIST_TRY_ASSIGN(auto names, ListDirNames(in.get(), "the source root"));
    for (const auto& n : names) {
      struct stat cst;
      if (::fstatat(in.get(), n.c_str(), &cst, AT_SYMLINK_NOFOLLOW) != 0) return ErrnoError("stat " + n, errno);
      if (filter && filter->Check(n, S_ISDIR(cst.st_mode)) == SourceFilter::Verdict::kSkip) continue;
      HOIST_TRY(HashTree(in.get(), n, n, cst, filter, hasher));
    }
    return Ok();
  }
  return HashTree(src.dir.get(), src.name, src.rel, st, filter, hasher);
}

}  // namespace hoist::builder
