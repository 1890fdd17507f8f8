#include "container/sandbox_mounts.h"
#include "container/child_status.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "container/sandbox_masks.h"

namespace hoist::container {

namespace {

struct MountPointSpec {
  const char* rel;
  bool dir;
};
constexpr MountPointSpec kMountPoints[] = {
    {"proc", true}, {"sys", true}, {"dev", true}, {"etc/resolv.conf", false}, {"etc/hosts", false}};

constexpr const char* kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

std::string FdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// The mount point `rel` inside the root, opened O_PATH without following it; -1 when it is missing
// or not of the expected kind (a symlink never is).
int OpenMountPoint(const RootDir& root, const std::string& rel, bool dir) {
  auto at = root.OpenParent(rel, false);
  if (!at.ok()) return -1;
  int fd = ::openat(at->dir.get(), at->name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  if (::fstat(fd, &st) != 0 || (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Bind-mounts `source` onto the mount point `rel` (read-only when asked). "" on success.
std::string BindInto(const RootDir& root, const std::string& source, const std::string& rel, bool dir,
                     bool read_only, bool recursive) {
  int fd = OpenMountPoint(root, rel, dir);
  if (fd < 0) return "";  // the image has something else there (a symlink, say): leave it alone
  std::string target = FdPath(fd);
  unsigned long flags = MS_BIND | (recursive ? MS_REC : 0);
  int rc = ::mount(source.c_str(), target.c_str(), nullptr, flags, nullptr);
  ::close(fd);
  if (rc != 0) return Errno("bind " + source + " to /" + rel);
  if (!read_only) return "";
  fd = OpenMountPoint(root, rel, dir);  // the new mount's root, not the directory under it
  if (fd < 0) return "reopen /" + rel;
  target = FdPath(fd);
  rc = ::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | LockedMountFlags(target.c_str()), nullptr);
  ::close(fd);
  if (rc != 0) return Errno("make /" + rel + " read-only");
  return "";
}

std::string MountDev(const RootDir& root, bool privileged) {
  int fd = OpenMountPoint(root, "dev", true);
  if (fd < 0) return "/dev is not a directory in the image";
  // nodev: a node the command makes here (it holds CAP_MKNOD, as in docker) cannot be opened; the
  // standard nodes below are binds of the host's and keep working.
  const unsigned long nodev = privileged ? 0 : MS_NODEV;
  int rc = ::mount("tmpfs", FdPath(fd).c_str(), "tmpfs", MS_NOSUID | MS_NOEXEC | nodev, "mode=755,size=65536k");
  ::close(fd);
  if (rc != 0) return Errno("mount tmpfs on /dev");
  auto dev = root.OpenDir("dev", false);
  if (!dev.ok()) return "reopen /dev";
  int dfd = dev->get();
  for (const char* name : kDevices) {
    int f = ::openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
    if (f < 0) return Errno(std::string("create /dev/") + name);
    ::close(f);
    std::string err = BindInto(root, std::string("/dev/") + name, std::string("dev/") + name, false, false, false);
    if (!err.empty()) return err;
  }
  ::symlinkat("/proc/self/fd", dfd, "fd");
  ::symlinkat("/proc/self/fd/0", dfd, "stdin");
  ::symlinkat("/proc/self/fd/1", dfd, "stdout");
  ::symlinkat("/proc/self/fd/2", dfd, "stderr");
  ::mkdirat(dfd, "pts", 0755);
  ::mkdirat(dfd, "shm", 01777);
  int pts = OpenMountPoint(root, "dev/pts", true);
  if (pts >= 0) {
    // A private devpts for programs that open new terminals; the caller's terminal stays inherited.
    if (::mount("devpts", FdPath(pts).c_str(), "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") == 0) {
      ::symlinkat("pts/ptmx", dfd, "ptmx");
    }
    ::close(pts);
  }
  int shm = OpenMountPoint(root, "dev/shm", true);
  if (shm >= 0) {
    ::mount("shm", FdPath(shm).c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
    ::close(shm);
  }
  return "";
}

// /sys: a fresh sysfs (this network namespace's view, without the host's cgroup and other
// submounts, which a recursive bind would bring along writable), read-only unless privileged.
// Where the kernel refuses a new sysfs (a user namespace on the host's network) the host's /sys
// is bound, without its submounts if the kernel allows; otherwise with them, which in a user
// namespace only an unprivileged user's writes can reach.
std::string MountSys(const RootDir& root, bool privileged) {
  int fd = OpenMountPoint(root, "sys", true);
  if (fd < 0) return "/sys is not a directory in the image";
  const unsigned long ro = privileged ? 0 : MS_RDONLY;
  int rc = ::mount("sysfs", FdPath(fd).c_str(), "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | ro, nullptr);
  ::close(fd);
  if (rc == 0) return "";
  std::string err = BindInto(root, "/sys", "sys", true, !privileged, /*recursive=*/false);
  if (err.empty()) return "";
  return BindInto(root, "/sys", "sys", true, !privileged, /*recursive=*/true);
}

std::string TargetRel(const SandboxMount& m) { return m.target == "/" ? "." : m.target.substr(1); }

bool IsDirectorySource(const SandboxMount& m) {
  struct stat st;
  return m.kind == SandboxMount::Kind::kTmpfs || ::stat(m.source.c_str(), &st) != 0 || S_ISDIR(st.st_mode);
}

std::string MountUser(const RootDir& root, const SandboxMount& m) {
  const std::string rel = TargetRel(m);
  const bool dir = IsDirectorySource(m);
  int fd = OpenMountPoint(root, rel, dir);
  if (fd < 0) return "mount point " + m.target + " is missing or not a " + (dir ? "directory" : "file");
  std::string target = FdPath(fd);
  int rc;
  if (m.kind == SandboxMount::Kind::kTmpfs) {
    unsigned long flags = MS_NOSUID | MS_NODEV | (m.read_only ? MS_RDONLY : 0);
    rc = ::mount("tmpfs", target.c_str(), "tmpfs", flags, m.tmpfs_options.empty() ? nullptr : m.tmpfs_options.c_str());
    ::close(fd);
    return rc == 0 ? "" : Errno("mount a tmpfs on " + m.target);
  }
  rc = ::mount(m.source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr);
  ::close(fd);
  if (rc != 0) return Errno("bind " + m.source + " to " + m.target);
  if (!m.read_only) return "";
  fd = OpenMountPoint(root, rel, dir);  // the new mount's root
  if (fd < 0) return "reopen " + m.target;
  target = FdPath(fd);
  rc = ::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | LockedMountFlags(target.c_str()),
               nullptr);
  ::close(fd);
  return rc == 0 ? "" : Errno("make " + m.target + " read-only");
}

}  // namespace

std::set<std::string> RunMountPointPaths() {
  std::set<std::string> out;
  for (const auto& spec : kMountPoints) out.insert(spec.rel);
  return out;
}

Status PrepareUserMounts(const RootDir& root, const std::vector<SandboxMount>& mounts) {
  for (const auto& m : mounts) {
    if (m.target.empty() || m.target.front() != '/') {
      return InvalidArgument("mount target \"" + m.target + "\" is not an absolute path");
    }
    if (m.kind == SandboxMount::Kind::kBind && ::access(m.source.c_str(), F_OK) != 0) {
      return NotFound("mount source " + m.source + " does not exist");
    }
    const std::string rel = TargetRel(m);
    if (rel == ".") return InvalidArgument("cannot mount over the container's root /");
    if (IsDirectorySource(m)) {
      HOIST_TRY(root.OpenDir(rel, /*create_missing=*/true));
      continue;
    }
    HOIST_TRY_ASSIGN(ParentAndName at, root.OpenParent(rel, /*create_missing=*/true));
    int fd = ::openat(at.dir.get(), at.name.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("create mount point " + m.target, errno);
    ::close(fd);
  }
  return Ok();
}

Result<MountPoints> MountPoints::Prepare(const RootDir& root) {
  MountPoints mp(root);
  for (const auto& spec : kMountPoints) {
    std::string rel = spec.rel;
    size_t slash = rel.rfind('/');
    std::string parent = slash == std::string::npos ? "." : rel.substr(0, slash);
    auto dir = root.OpenDir(parent, false);
    if (!dir.ok()) continue;  // no /etc: nothing to bind the host's files onto
    std::string name = rel.substr(slash == std::string::npos ? 0 : slash + 1);
    struct stat st;
    if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (spec.dir && !S_ISDIR(st.st_mode)) {
        return InvalidArgument("the image's /" + rel + " is not a directory: cannot mount over it");
      }
      continue;
    }
    Created c{rel, spec.dir, {}};
    struct stat pst;
    if (::fstat(dir->get(), &pst) != 0) return ErrnoError("stat /" + parent, errno);
    c.parent_times[0] = pst.st_atim;
    c.parent_times[1] = pst.st_mtim;
    if (spec.dir) {
      if (::mkdirat(dir->get(), name.c_str(), 0755) != 0) return ErrnoError("create mount point /" + rel, errno);
    } else {
      int fd = ::openat(dir->get(), name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0) return ErrnoError("create mount point /" + rel, errno);
      ::close(fd);
    }
    // The parent keeps its times while the placeholder exists: a running container's diff and
    // commit see no change there.
    int pfd = ::openat(dir->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd >= 0) {
      ::futimens(pfd, c.parent_times);
      ::close(pfd);
    }
    mp.created_.push_back(c);
  }
  return mp;
}

void MountPoints::Cleanup() {
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    auto at = root_->OpenParent(it->rel, false);
    if (!at.ok()) continue;
    struct stat st;
    if (::fstatat(at->dir.get(), at->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    // Only what is still an empty placeholder: anything the command put there is its change.
    if (it->dir ? !S_ISDIR(st.st_mode) : !(S_ISREG(st.st_mode) && st.st_size == 0)) continue;
    if (::unlinkat(at->dir.get(), at->name.c_str(), it->dir ? AT_REMOVEDIR : 0) != 0) continue;
    int pfd = ::openat(at->dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd >= 0) {
      ::futimens(pfd, it->parent_times);
      ::close(pfd);
    }
  }
  created_.clear();
}

std::string SetupSandboxMounts(const std::string& rootfs, const std::string& hostname, bool privileged,
                               const std::vector<SandboxMount>& mounts, bool read_only_root) {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return Errno("make mounts private");
  if (::mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return Errno("bind " + rootfs + " onto itself");
  }
  if (!privileged &&
      ::mount(nullptr, rootfs.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_NODEV | LockedMountFlags(rootfs.c_str()), nullptr) != 0) {
    // A device node made in the image's files cannot be opened (docker's device cgroup does this).
    return Errno("mount " + rootfs + " nodev");
  }
  auto opened = RootDir::Open(rootfs);  // now the bind mount
  if (!opened.ok()) return opened.error().ToString();
  const RootDir& root = *opened;

  int proc = OpenMountPoint(root, "proc", true);
  if (proc < 0) return "/proc is not a directory in the image";
  int rc = ::mount("proc", FdPath(proc).c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  ::close(proc);
  if (rc != 0) {
    // A user namespace may not mount a fresh proc when the host's is partly masked: bind it.
    std::string err = BindInto(root, "/proc", "proc", true, false, true);
    if (!err.empty()) return err;
  }
  std::string err = MountSys(root, privileged);
  if (!err.empty()) return err;
  err = MountDev(root, privileged);
  if (!err.empty()) return err;
  for (const char* f : {"etc/resolv.conf", "etc/hosts"}) {
    std::string host = std::string("/") + f;
    if (::access(host.c_str(), R_OK) != 0) continue;
    err = BindInto(root, host, f, false, true, false);
    if (!err.empty()) return err;
  }
  for (const auto& m : mounts) {
    err = MountUser(root, m);
    if (!err.empty()) return err;
  }
  if (read_only_root && ::mount(nullptr, rootfs.c_str(), nullptr,
                                MS_REMOUNT | MS_BIND | MS_RDONLY | LockedMountFlags(rootfs.c_str()), nullptr) != 0) {
    return Errno("make the root read-only");
  }
  if (::sethostname(hostname.data(), hostname.size()) != 0) return Errno("set hostname");

  if (::chdir(rootfs.c_str()) != 0) return Errno("chdir " + rootfs);
  if (::syscall(SYS_pivot_root, ".", ".") == 0) {
    if (::umount2(".", MNT_DETACH) != 0) return Errno("detach the old root");
  } else if (errno == EINVAL) {
    // The host root cannot be pivoted away from (initramfs): chroot is the fallback.
    if (::chroot(".") != 0) return Errno("chroot " + rootfs);
  } else {
    return Errno("pivot_root " + rootfs);
  }
  if (::chdir("/") != 0) return Errno("chdir /");
  return privileged ? "" : MaskKernelFiles();
}

}  // namespace hoist::container
