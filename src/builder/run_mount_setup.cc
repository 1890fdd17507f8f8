#include "builder/run_mount_setup.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>

#include "builder/source_paths.h"
#include "builder/tree_copy.h"
#include "core/digest.h"
#include "core/fs.h"

namespace hoist::builder {

namespace {

namespace fs = std::filesystem;

// Most bytes one secret may hold (BuildKit's limit is 500 KiB).
constexpr uint64_t kMaxSecretBytes = 512 * 1024;

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

// The host path of `source` in `tree`, refusing one that leaves the tree through a symlink.
Result<std::string> SourceInTree(const MountTree& tree, const std::string& source, const std::string& what) {
  const std::string rel = CleanInRoot(source.empty() ? "." : source);
  const std::string root = RealPath(tree.tree.path);
  const std::string full = RealPath(tree.tree.path + "/" + rel);
  if (root.empty() || full.empty()) return NotFound(what + ": " + (source.empty() ? "/" : source) + " does not exist");
  if (full != root && full.rfind(root + "/", 0) != 0) {
    return InvalidArgument(what + ": " + source + " leads out of " + tree.tree.what + " through a symlink");
  }
  return full;
}

Status WritePrivateFile(const std::string& path, const std::string& content, mode_t mode, uid_t uid, gid_t gid) {
  HOIST_TRY(AtomicWriteFile(path, content, mode));
  if ((uid != 0 || gid != 0) && ::chown(path.c_str(), uid, gid) != 0) return ErrnoError("chown " + path, errno);
  return Ok();
}

}  // namespace

Result<std::string> MountsCacheId(const std::vector<RunMount>& mounts, const MountTreeResolver& resolve) {
  std::string id;
  for (const auto& m : mounts) {
    id += "mount " + m.canonical + "\n";
    if (m.type != RunMount::Type::kBind) continue;
    HOIST_TRY_ASSIGN(MountTree tree, resolve(m.from));
    if (!tree.id.empty()) {
      id += tree.id + "\n";
      continue;
    }
    // From the context: what the mounted path holds, as COPY keys its sources.
    HOIST_TRY_ASSIGN(container::RootDir root, container::RootDir::Open(tree.tree.path));
    HOIST_TRY_ASSIGN(SourceEntry entry, ResolveSource(root, tree.tree, CleanInRoot(m.source.empty() ? "." : m.source)));
    Hasher h;
    HOIST_TRY(HashSource(entry, &tree.tree.filter, h));
    id += h.Finish().str() + "\n";
  }
  return id;
}

Result<PreparedMounts> PrepareRunMounts(const std::vector<RunMount>& mounts, const BuildOptions& options,
                                        const MountTreeResolver& resolve, const std::string& cache_root,
                                        const std::string& scratch) {
  PreparedMounts out;
  int n = 0;
  for (const auto& m : mounts) {
    ++n;
    const std::string what = "RUN --mount=" + m.canonical;
    container::SandboxMount sm;
    sm.target = m.target;
    sm.read_only = m.read_only;
    switch (m.type) {
      case RunMount::Type::kBind: {
        HOIST_TRY_ASSIGN(MountTree tree, resolve(m.from));
        HOIST_TRY_ASSIGN(std::string host, SourceInTree(tree, m.source, what));
        if (!m.read_only) {
          // rw: the step writes into a copy, never into the context or another stage.
          const std::string copy = scratch + "/bind-" + std::to_string(n);
          std::error_code ec;
          fs::copy(host, copy, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
          if (ec) return Error(ErrorCode::kIO, what + ": copying " + host + ": " + ec.message());
          host = copy;
        }
        sm.source = host;
        break;
      }
      case RunMount::Type::kCache: {
        const std::string dir = cache_root + "/" + Digest::Of(m.id).hex();
        HOIST_TRY(MakeDirs(cache_root, 0700));
        if (::mkdir(dir.c_str(), m.mode.value_or(0755)) == 0) {
          if ((m.uid != 0 || m.gid != 0) && ::chown(dir.c_str(), m.uid, m.gid) != 0) {
            return ErrnoError("chown " + dir, errno);
          }
          if (m.mode && ::chmod(dir.c_str(), *m.mode) != 0) return ErrnoError("chmod " + dir, errno);
        } else if (errno != EEXIST) {
          return ErrnoError(what + ": create " + dir, errno);
        }
        if (m.sharing == "locked") {  // one step at a time, across builds
          container::UniqueFd lock(::open((dir + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
          if (!lock.valid() || ::flock(lock.get(), LOCK_EX) != 0) return ErrnoError(what + ": lock " + dir, errno);
          out.locks.push_back(std::move(lock));
        }
        sm.source = dir;
        break;
      }
      case RunMount::Type::kTmpfs:
        sm.kind = container::SandboxMount::Kind::kTmpfs;
        if (m.tmpfs_size > 0) sm.tmpfs_options = "size=" + std::to_string(m.tmpfs_size);
        break;
      case RunMount::Type::kSecret: {
        auto found = options.secrets.find(m.id);
        if (found == options.secrets.end()) {
          if (m.required) {
            return NotFound(what + ": no secret \"" + m.id + "\" was given (hoist build --secret id=" + m.id +
                            ",src=FILE)");
          }
          continue;  // as BuildKit: an optional secret that is absent is not mounted
        }
        std::string value;
        if (found->second.value) {
          value = *found->second.value;
        } else {
          auto read = ReadFileToString(found->second.file, kMaxSecretBytes);
          if (!read.ok()) return std::move(read).error().WithContext(what + ": secret " + m.id);
          value = std::move(read).value();
        }
        if (!m.env.empty()) out.env.push_back(m.env + "=" + value);
        if (m.target.empty()) continue;
        HOIST_TRY(MakeDirs(scratch + "/secrets", 0700));
        const std::string file = scratch + "/secrets/" + std::to_string(n);
        HOIST_TRY(WritePrivateFile(file, value, m.mode.value_or(0400), m.uid, m.gid));
        sm.source = file;
        sm.read_only = true;
        break;
      }
      case RunMount::Type::kSsh: {
        auto found = options.ssh_agents.find(m.id);
        if (found == options.ssh_agents.end()) {
          if (m.required) {
            return NotFound(what + ": no ssh agent \"" + m.id + "\" was given (hoist build --ssh " + m.id + ")");
          }
          continue;
        }
        sm.source = found->second;
        out.env.push_back("SSH_AUTH_SOCK=" + m.target);
        break;
      }
    }
    out.mounts.push_back(std::move(sm));
  }
  return out;
}

std::vector<MissingPath> MissingMountPaths(const std::string& rootfs, const std::vector<RunMount>& mounts) {
  std::vector<MissingPath> missing;
  auto root = container::RootDir::Open(rootfs);
  if (!root.ok()) return missing;
  for (const auto& m : mounts) {
    if (m.target.empty()) continue;
    const std::string rel = CleanInRoot(m.target);
    for (size_t end = rel.find('/'); ; end = rel.find('/', end + 1)) {
      const std::string prefix = rel.substr(0, end);
      auto at = root->OpenParent(prefix, /*create_missing=*/false);
      struct stat st;
      if (!at.ok() || ::fstatat(at->dir.get(), at->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        struct stat parent;
        if (at.ok() && errno == ENOENT && ::fstatat(at->dir.get(), "", &parent, AT_EMPTY_PATH) == 0) {
          missing.push_back(MissingPath{prefix, {parent.st_atim, parent.st_mtim}});
        }
        break;
      }
      if (end == std::string::npos) break;
    }
  }
  return missing;
}

namespace {

// True when the entry holds nothing but empty directories and empty regular files.
bool OnlyPlaceholders(int dir_fd, const std::string& name, int depth = 0) {
  struct stat st;
  if (depth > 64 || ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
  if (S_ISREG(st.st_mode)) return st.st_size == 0;
  if (!S_ISDIR(st.st_mode)) return false;
  container::UniqueFd dir(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dir.valid()) return false;
  auto names = ListDirNames(dir.get(), name);
  if (!names.ok()) return false;
  for (const auto& child : *names) {
    if (!OnlyPlaceholders(dir.get(), child, depth + 1)) return false;
  }
  return true;
}

}  // namespace

Status RemoveMountPaths(const std::string& rootfs, const std::vector<MissingPath>& paths) {
  if (paths.empty()) return Ok();
  HOIST_TRY_ASSIGN(container::RootDir root, container::RootDir::Open(rootfs));
  for (const auto& p : paths) {
    auto at = root.OpenParent(p.rel, /*create_missing=*/false);
    if (!at.ok()) continue;
    container::UniqueFd parent(::openat(at->dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!parent.valid()) continue;
    // What the step wrote under a mount point that was not mounted over is its change: kept.
    if (!OnlyPlaceholders(parent.get(), at->name)) continue;
    HOIST_TRY(container::RemoveTreeAt(parent.get(), at->name, "/" + p.rel));
    ::futimens(parent.get(), p.parent_times);
  }
  return Ok();
}

}  // namespace hoist::builder
