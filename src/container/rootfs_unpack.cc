#include "container/rootfs_unpack.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <set>
#include <vector>

#include "container/entry_metadata.h"
#include "core/tar_path.h"
#include "core/tar_reader.h"

namespace hoist::container {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";
constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";  // AUFS bookkeeping (.wh..wh.plnk …)

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "." ? name : dir + "/" + name;
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

struct Times {
  int64_t sec;
  uint32_t nsec;
};

class LayerApplier {
 public:
  LayerApplier(const RootDir& root, const UnpackOptions& options, LayerStats& stats)
      : root_(root), stats_(stats) {
    bool is_root = ::geteuid() == 0;
    meta_.chown = options.owners == UnpackOptions::Owners::kPreserve ||
                  (options.owners == UnpackOptions::Owners::kAuto && is_root);
    meta_.skipped_xattrs = &stats_.skipped_xattrs;
    devices_ = is_root;
  }

  Status Apply(const TarEntry& entry, Reader& data);
  Status Finish();

 private:
  Status ApplyWhiteout(const std::string& cleaned, const std::string& base);
  Status RemoveLower(const std::string& path);
  Status ClearLowerChildren(const std::string& dir);
  Status Create(const TarEntry& entry, const std::string& cleaned, Reader& data);
  Status CreateDirectory(const TarEntry& entry, const std::string& cleaned, ParentAndName& at);
  Status CreateHardlink(const TarEntry& entry, const std::string& cleaned, ParentAndName& at);
  Status ApplyRootDirectory(const TarEntry& entry);
  void MarkCreated(const std::string& cleaned);
  // Remembers a lower-layer directory's times before this layer changes its contents, so that
  // unpacking the same layers twice gives the same tree (the diff of a commit relies on it).
  void RememberTimes(int dir_fd, const std::string& path);
  Result<ParentAndName> OpenParentTracked(const std::string& cleaned, bool create);

  const RootDir& root_;
  LayerStats& stats_;
  MetadataOptions meta_;
  bool devices_ = false;
  std::set<std::string> created_;  // this layer's paths and their ancestors
  std::map<std::string, Times> lower_times_;
  struct DeferredDir {
    std::string path;
    mode_t mode;
    Times times;
  };
  std::vector<DeferredDir> dirs_;  // final mode and times, set once their contents are in place
};

void LayerApplier::MarkCreated(const std::string& cleaned) {
  for (std::string p = cleaned; p != "."; p = Parent(p)) {
    if (!created_.insert(p).second) break;
  }
}

void LayerApplier::RememberTimes(int dir_fd, const std::string& path) {
  if (lower_times_.count(path)) return;
  struct stat st;
  if (::fstat(dir_fd, &st) != 0) return;
  lower_times_[path] = Times{st.st_mtim.tv_sec, static_cast<uint32_t>(st.st_mtim.tv_nsec)};
}

Result<ParentAndName> LayerApplier::OpenParentTracked(const std::string& cleaned, bool create) {
  HOIST_TRY_ASSIGN(ParentAndName at, root_.OpenParent(cleaned, create));
  RememberTimes(at.dir.get(), Parent(cleaned));
  return at;
}

Status LayerApplier::Apply(const TarEntry& entry, Reader& data) {
  HOIST_TRY_ASSIGN(std::string cleaned, CleanLayerEntryPath(entry.path));
  ++stats_.entries;
  std::string base = cleaned.substr(cleaned.rfind('/') + 1);
  if (base.compare(0, kWhiteoutPrefix.size(), kWhiteoutPrefix) == 0) {
    ++stats_.whiteouts;
    return ApplyWhiteout(cleaned, base);
  }
  if (cleaned == ".") {
    if (entry.type != TarEntryType::kDirectory) {
      return UnsafePath("tar entry " + QuotePath(entry.path) + " would replace the root with a " +
                        std::string(TarEntryTypeName(entry.type)));
    }
    return ApplyRootDirectory(entry);
  }
  auto s = Create(entry, cleaned, data);
  if (!s.ok()) return std::move(s).error().WithContext("entry " + QuotePath(entry.path));
  return Ok();
}

Status LayerApplier::ApplyWhiteout(const std::string& cleaned, const std::string& base) {
  std::string dir = Parent(cleaned);
  if (base == kOpaqueMarker) return ClearLowerChildren(dir);
  if (base.compare(0, kWhiteoutMetaPrefix.size(), kWhiteoutMetaPrefix) == 0) return Ok();
  std::string name = base.substr(kWhiteoutPrefix.size());
  if (name.empty() || name == "." || name == "..") {
    return UnsafePath("whiteout " + QuotePath(cleaned) + " names no entry");
  }
  return RemoveLower(Join(dir, name));
}

// Removes what lower layers have at `path`; entries this layer created stay (the spec: a whiteout
// only hides lower layers' content).
Status LayerApplier::RemoveLower(const std::string& path) {
  if (created_.count(path)) return ClearLowerChildren(path);
  auto at = OpenParentTracked(path, /*create=*/false);
  if (!at.ok()) return Ok();  // the parent is not there: nothing to hide
  return RemoveTreeAt(at->dir.get(), at->name, QuotePath(path));
}

Status LayerApplier::ClearLowerChildren(const std::string& dir) {
  auto dir_fd = root_.OpenDir(dir, /*create=*/false);
  if (!dir_fd.ok()) return Ok();
  RememberTimes(dir_fd->get(), dir);
  int fd = ::openat(dir_fd->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + QuotePath(dir), errno);
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return ErrnoError("read " + QuotePath(dir), errno);
  }
  std::vector<std::string> names;
  while (struct dirent* ent = ::readdir(d)) {
    std::string n = ent->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  for (const auto& n : names) HOIST_TRY(RemoveLower(Join(dir, n)));
  return Ok();
}

Status LayerApplier::ApplyRootDirectory(const TarEntry& entry) {
  int fd = ::openat(root_.fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + root_.path(), errno);
  UniqueFd owned(fd);
  HOIST_TRY(ApplyFdMetadata(fd, entry, (entry.mode & 07777) | 0700, meta_, "the root directory"));
  dirs_.push_back({".", static_cast<mode_t>(entry.mode & 07777), {entry.mtime, entry.mtime_nsec}});
  return Ok();
}

Status LayerApplier::Create(const TarEntry& entry, const std::string& cleaned, Reader& data) {
  if (entry.type == TarEntryType::kHardlink) {
    HOIST_TRY_ASSIGN(ParentAndName at, OpenParentTracked(cleaned, /*create=*/true));
    MarkCreated(cleaned);
    return CreateHardlink(entry, cleaned, at);
  }
  HOIST_TRY_ASSIGN(ParentAndName at, OpenParentTracked(cleaned, /*create=*/true));
  MarkCreated(cleaned);
  const int dir = at.dir.get();
  const char* name = at.name.c_str();
  const std::string what = QuotePath(cleaned);

  struct stat existing;
  bool exists = ::fstatat(dir, name, &existing, AT_SYMLINK_NOFOLLOW) == 0;
  if (exists && !(S_ISDIR(existing.st_mode) && entry.type == TarEntryType::kDirectory)) {
    HOIST_TRY(RemoveTreeAt(dir, at.name, what));  // a new entry replaces, never writes through
  }

  switch (entry.type) {
    case TarEntryType::kDirectory:
      return CreateDirectory(entry, cleaned, at);
    case TarEntryType::kRegular: {
      int fd = ::openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0) return ErrnoError("create " + what, errno);
      FdWriter out(fd, /*owned=*/true);
      HOIST_TRY_ASSIGN(uint64_t n, Copy(data, out));
      if (n != entry.size) return ParseError("short data for " + what);
      return ApplyFdMetadata(fd, entry, entry.mode, meta_, what);
    }
    case TarEntryType::kSymlink:
      if (::symlinkat(entry.link_target.c_str(), dir, name) != 0) return ErrnoError("symlink " + what, errno);
      return ApplyAtMetadata(dir, at.name, entry, meta_, what);
    case TarEntryType::kCharDevice:
    case TarEntryType::kBlockDevice:
    case TarEntryType::kFifo: {
      mode_t type = entry.type == TarEntryType::kFifo        ? S_IFIFO
                    : entry.type == TarEntryType::kCharDevice ? S_IFCHR
                                                              : S_IFBLK;
      if (type != S_IFIFO && !devices_) {
        ++stats_.skipped_devices;
        return Ok();
      }
      dev_t dev = type == S_IFIFO ? 0 : makedev(entry.dev_major, entry.dev_minor);
      if (::mknodat(dir, name, type | 0600, dev) != 0) return ErrnoError("create node " + what, errno);
      return ApplyAtMetadata(dir, at.name, entry, meta_, what);
    }
    case TarEntryType::kHardlink:
      break;
  }
  return Internal("unhandled tar entry type");
}

Status LayerApplier::CreateDirectory(const TarEntry& entry, const std::string& cleaned, ParentAndName& at) {
  const std::string what = QuotePath(cleaned);
  if (::mkdirat(at.dir.get(), at.name.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoError("create directory " + what, errno);
  }
  int fd = ::openat(at.dir.get(), at.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open directory " + what, errno);
  UniqueFd owned(fd);
  // Owner access until the layer is done, so entries can still be created inside without root.
  HOIST_TRY(ApplyFdMetadata(fd, entry, (entry.mode & 07777) | 0700, meta_, what));
  dirs_.push_back({cleaned, static_cast<mode_t>(entry.mode & 07777), {entry.mtime, entry.mtime_nsec}});
  return Ok();
}

Status LayerApplier::CreateHardlink(const TarEntry& entry, const std::string& cleaned, ParentAndName& at) {
  const std::string what = QuotePath(cleaned);
  auto target_path = CleanLayerEntryPath(entry.link_target);
  if (!target_path.ok() || *target_path == ".") {
    return UnsafePath("hardlink " + what + " points outside the root (" + QuotePath(entry.link_target) + ")");
  }
  if (*target_path == cleaned) return Ok();
  auto target = root_.OpenParent(*target_path, /*create=*/false);
  if (!target.ok()) {
    return NotFound("hardlink " + what + ": target " + QuotePath(entry.link_target) + " does not exist");
  }
  struct stat st;
  if (::fstatat(target->dir.get(), target->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoError("hardlink " + what + ": target " + QuotePath(entry.link_target), errno);
  }
  if (S_ISDIR(st.st_mode)) return UnsafePath("hardlink " + what + " points at a directory");
  HOIST_TRY(RemoveTreeAt(at.dir.get(), at.name, what));
  // No AT_SYMLINK_FOLLOW: a hardlink to a symlink links the symlink itself.
  if (::linkat(target->dir.get(), target->name.c_str(), at.dir.get(), at.name.c_str(), 0) != 0) {
    return ErrnoError("hardlink " + what + " to " + QuotePath(entry.link_target), errno);
  }
  return Ok();
}

Status LayerApplier::Finish() {
  for (const auto& [path, t] : lower_times_) {
    if (path == ".") {
      HOIST_TRY(SetTimesAt(root_.fd(), ".", t.sec, t.nsec, "the root directory"));
      continue;
    }
    auto at = root_.OpenParent(path, false);
    if (!at.ok()) continue;  // removed later in the layer
    struct stat st;
    if (::fstatat(at->dir.get(), at->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) continue;
    HOIST_TRY(SetTimesAt(at->dir.get(), at->name, t.sec, t.nsec, QuotePath(path)));
  }
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    UniqueFd fd;
    if (it->path == ".") {
      fd.Reset(::openat(root_.fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    } else {
      auto at = root_.OpenParent(it->path, false);
      if (!at.ok()) continue;
      fd.Reset(::openat(at->dir.get(), at->name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    }
    if (!fd.valid()) continue;  // replaced by a non-directory later in the layer
    if (::fchmod(fd.get(), it->mode) != 0) return ErrnoError("chmod " + QuotePath(it->path), errno);
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = static_cast<time_t>(it->times.sec);
    ts[0].tv_nsec = ts[1].tv_nsec = static_cast<long>(it->times.nsec);
    if (::futimens(fd.get(), ts) != 0) return ErrnoError("set times of " + QuotePath(it->path), errno);
  }
  return Ok();
}

}  // namespace

Result<LayerStats> ApplyLayer(const RootDir& root, Reader& layer, const UnpackOptions& options) {
  LayerStats stats;
  auto plain = DecompressAuto(layer, options.decompress);
  DigestingReader tar_bytes(*plain);
  TarReader tar(tar_bytes);
  LayerApplier applier(root, options, stats);
  for (;;) {
    HOIST_TRY_ASSIGN(auto entry, tar.Next());
    if (!entry) break;
    HOIST_TRY(applier.Apply(*entry, tar.data()));
  }
  HOIST_TRY(applier.Finish());
  // Whatever follows the end-of-archive marker is part of the diff_id too.
  char buf[16384];
  for (;;) {
    HOIST_TRY_ASSIGN(size_t n, tar_bytes.Read(buf, sizeof buf));
    if (n == 0) break;
  }
  stats.diff_id = tar_bytes.Finish();
  return stats;
}

}  // namespace hoist::container
