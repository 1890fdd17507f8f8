#include "store/rootfs_diff.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "core/fs.h"
#include "core/tar_path.h"
#include "core/tar_writer.h"

namespace hoist::store {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr const char* kOpaqueMarker = ".wh..wh..opq";

std::string Join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

Result<std::string> ReadLink(const std::string& path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
  if (n < 0) return ErrnoError("readlink " + path, errno);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

// One planned tar entry: something from the changed tree, a whiteout or an opaque marker.
struct Change {
  enum Kind { kEntry, kWhiteout } kind;
  std::string rel;  // archive path without trailing '/'
  bool is_dir = false;
  bool replaces = false;  // the base had something at this path
  std::string key() const { return is_dir ? rel + "/" : rel; }
};

class Differ {
 public:
  Differ(std::string base, std::string changed, const DiffOptions& options)
      : base_(std::move(base)), changed_(std::move(changed)), options_(options) {}

  Status CompareDir(const std::string& rel);
  Status Emit(TarWriter& writer, DiffStats& stats);
  std::vector<RootfsChange> Changes() const;

 private:
  Status AddTree(const std::string& rel, bool replaces);
  Result<bool> Differs(const struct stat& a, const struct stat& b, const std::string& rel);
  Status WriteEntry(const Change& c, TarWriter& writer);
  Status CheckName(const std::string& name, const std::string& rel);

  std::string base_, changed_;
  const DiffOptions& options_;
  std::vector<Change> changes_;
  TarHardlinks hardlinks_;  // inodes written, for hardlinks
};

Status Differ::CheckName(const std::string& name, const std::string& rel) {
  if (name.compare(0, kWhiteoutPrefix.size(), kWhiteoutPrefix) == 0) {
    return InvalidArgument("changed tree holds " + QuotePath(rel) +
                           ": names starting with .wh. cannot be stored in a layer");
  }
  return Ok();
}

Status Differ::AddTree(const std::string& rel, bool replaces) {
  if (options_.exclude.count(rel)) return Ok();
  struct stat st;
  std::string path = changed_ + "/" + rel;
  if (::lstat(path.c_str(), &st) != 0) return ErrnoError("stat " + path, errno);
  changes_.push_back({Change::kEntry, rel, S_ISDIR(st.st_mode), replaces});
  if (!S_ISDIR(st.st_mode)) return Ok();
  HOIST_TRY_ASSIGN(auto names, ListDirNames(path));
  for (const auto& n : names) {
    HOIST_TRY(CheckName(n, Join(rel, n)));
    HOIST_TRY(AddTree(Join(rel, n), false));
  }
  return Ok();
}

Result<bool> Differ::Differs(const struct stat& a, const struct stat& b, const std::string& rel) {
  if ((a.st_mode & S_IFMT) != (b.st_mode & S_IFMT)) return true;
  if ((a.st_mode & 07777) != (b.st_mode & 07777) || a.st_uid != b.st_uid || a.st_gid != b.st_gid) return true;
  if (a.st_mtim.tv_sec != b.st_mtim.tv_sec || a.st_mtim.tv_nsec != b.st_mtim.tv_nsec) return true;
  if (S_ISDIR(a.st_mode)) return false;
  if (a.st_size != b.st_size || a.st_rdev != b.st_rdev) return true;
  if (S_ISLNK(a.st_mode)) {
    HOIST_TRY_ASSIGN(std::string ta, ReadLink(base_ + "/" + rel));
    HOIST_TRY_ASSIGN(std::string tb, ReadLink(changed_ + "/" + rel));
    return ta != tb;
  }
  return false;
}

Status Differ::CompareDir(const std::string& rel) {
  std::string bdir = rel.empty() ? base_ : base_ + "/" + rel;
  std::string cdir = rel.empty() ? changed_ : changed_ + "/" + rel;
  HOIST_TRY_ASSIGN(auto before, ListDirNames(bdir));
  HOIST_TRY_ASSIGN(auto after, ListDirNames(cdir));
  std::set<std::string> after_set(after.begin(), after.end());
  bool any_kept = std::any_of(before.begin(), before.end(), [&](const std::string& n) {
    return after_set.count(n) && !options_.exclude.count(Join(rel, n));
  });
  if (!rel.empty() && !before.empty() && !any_kept) {
    // Everything the base had here is gone: one opaque marker instead of a whiteout each.
    changes_.push_back({Change::kWhiteout, Join(rel, kOpaqueMarker), false, false});
    for (const auto& n : after) {
      HOIST_TRY(CheckName(n, Join(rel, n)));
      HOIST_TRY(AddTree(Join(rel, n), false));
    }
    return Ok();
  }
  for (const auto& n : before) {
    if (!after_set.count(n) && !options_.exclude.count(Join(rel, n))) {
      changes_.push_back({Change::kWhiteout, Join(rel, std::string(kWhiteoutPrefix) + n), false, false});
    }
  }
  std::set<std::string> before_set(before.begin(), before.end());
  for (const auto& n : after) {
    std::string child = Join(rel, n);
    HOIST_TRY(CheckName(n, child));
    if (options_.exclude.count(child)) continue;
    if (!before_set.count(n)) {
      HOIST_TRY(AddTree(child, false));
      continue;
    }
    struct stat b, c;
    if (::lstat((bdir + "/" + n).c_str(), &b) != 0) return ErrnoError("stat " + bdir + "/" + n, errno);
    if (::lstat((cdir + "/" + n).c_str(), &c) != 0) return ErrnoError("stat " + cdir + "/" + n, errno);
    HOIST_TRY_ASSIGN(bool differs, Differs(b, c, child));
    if (S_ISDIR(b.st_mode) && S_ISDIR(c.st_mode)) {
      if (differs) changes_.push_back({Change::kEntry, child, true, true});
      HOIST_TRY(CompareDir(child));
    } else if (differs) {
      HOIST_TRY(AddTree(child, true));
    }
  }
  return Ok();
}

Status Differ::WriteEntry(const Change& c, TarWriter& writer) {
  TarEntry e;
  if (c.kind == Change::kWhiteout) {
    e.path = c.rel;
    e.type = TarEntryType::kRegular;
    e.mode = 0644;
    e.mtime = options_.timestamp.value_or(0);
    return writer.WriteEntry(e);
  }
  std::string path = changed_ + "/" + c.rel;
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return ErrnoError("stat " + path, errno);
  return WriteFileEntry(writer, path, st, c.rel, options_.xattrs, hardlinks_);
}

Status Differ::Emit(TarWriter& writer, DiffStats& stats) {
  std::sort(changes_.begin(), changes_.end(), [](const Change& a, const Change& b) { return a.key() < b.key(); });
  for (const Change& c : changes_) {
    HOIST_TRY(WriteEntry(c, writer));
    if (c.kind == Change::kWhiteout) {
      ++stats.deleted;
    } else if (c.replaces) {
      ++stats.modified;
    } else {
      ++stats.added;
    }
  }
  return writer.Close();
}

std::vector<RootfsChange> Differ::Changes() const {
  std::vector<RootfsChange> out;
  for (const Change& c : changes_) {
    if (c.kind == Change::kEntry) {
      out.push_back({c.replaces ? 'C' : 'A', "/" + c.rel});
      continue;
    }
    size_t slash = c.rel.rfind('/');
    std::string dir = slash == std::string::npos ? "" : c.rel.substr(0, slash);
    std::string name = c.rel.substr(slash == std::string::npos ? 0 : slash + 1);
    if (name == kOpaqueMarker) {
      out.push_back({'C', "/" + dir});
    } else {
      out.push_back({'D', "/" + Join(dir, name.substr(kWhiteoutPrefix.size()))});
    }
  }
  std::sort(out.begin(), out.end(), [](const RootfsChange& a, const RootfsChange& b) { return a.path < b.path; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const RootfsChange& a, const RootfsChange& b) { return a.path == b.path; }),
            out.end());
  return out;
}

}  // namespace

Result<std::vector<RootfsChange>> ListRootfsChanges(const std::string& base, const std::string& changed,
                                                    const DiffOptions& options) {
  Differ differ(base, changed, options);
  HOIST_TRY(differ.CompareDir(""));
  return differ.Changes();
}

Result<DiffStats> WriteRootfsDiff(const std::string& base, const std::string& changed, Writer& out,
                                  const DiffOptions& options) {
  for (const auto& dir : {base, changed}) {
    struct stat st;
    if (::lstat(dir.c_str(), &st) != 0) return ErrnoError("stat " + dir, errno);
    if (!S_ISDIR(st.st_mode)) return InvalidArgument(dir + " is not a directory");
  }
  Differ differ(base, changed, options);
  HOIST_TRY(differ.CompareDir(""));
  TarWriterOptions tar_options;
  tar_options.clamp_mtime = options.timestamp;
  TarWriter writer(out, tar_options);
  DiffStats stats;
  auto s = differ.Emit(writer, stats);
  if (!s.ok()) return std::move(s).error().WithContext("diff of " + changed + " against " + base);
  return stats;
}

}  // namespace hoist::store
