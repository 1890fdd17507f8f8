#pragma once
// The filesystem side of the sandbox (container/sandbox.h): mount points prepared in the image before
// the run and removed after it, and the mounts made inside the new mount namespace.

#include <set>
#include <string>
#include <vector>

#include "container/root_dir.h"
#include "core/error.h"

namespace hoist::container {

// A mount the user asked for (`run -v`, `--mount`, `--tmpfs`): a host directory or file (a named
// volume is its directory) bound at `target`, or a fresh tmpfs there.
struct SandboxMount {
  enum class Kind { kBind, kTmpfs };
  Kind kind = Kind::kBind;
  std::string source;  // kBind: the absolute host path
  std::string target;  // absolute path in the container
  bool read_only = false;
  std::string tmpfs_options;  // kTmpfs: mount data such as "size=64m,mode=1777"
};

// Creates the mount points of `mounts` inside the root (directories, or an empty file for a file
// bind) the way docker does: they stay in the container's files afterwards.
Status PrepareUserMounts(const RootDir& root, const std::vector<SandboxMount>& mounts);

// The mount points every run has ("proc", "sys", "dev", "etc/resolv.conf", "etc/hosts"): a
// running container's placeholders for them are no change of its own (diff, commit).
std::set<std::string> RunMountPointPaths();

// Mount points the image lacked, created for one run. Cleanup() removes them again and restores
// their parents' mtimes, so a commit after the run does not see them.
class MountPoints {
 public:
  static Result<MountPoints> Prepare(const RootDir& root);
  MountPoints(MountPoints&&) = default;
  ~MountPoints() { Cleanup(); }
  void Cleanup();

 private:
  MountPoints(const RootDir& root) : root_(&root) {}
  struct Created {
    std::string rel;
    bool dir;
    struct timespec parent_times[2];
  };
  const RootDir* root_;
  std::vector<Created> created_;
};

// Inside the child, in its new mount namespace (as root there): makes `rootfs` a nodev mount,
// mounts /proc, /dev (nodev, the standard nodes only), a read-only /sys and the host's resolv.conf
// and hosts into it, switches root to it and masks the kernel files docker masks
// (container/sandbox_masks.h). `privileged` (docker's --privileged) keeps device nodes usable, /sys
// writable and /proc unmasked. Returns a message describing the first failure, or "" on success.
// Only for a forked child.
// `mounts` are made last, then the root is made read-only when `read_only_root` (--read-only: the
// mounts, /dev, /proc and the like stay as they are).
std::string SetupSandboxMounts(const std::string& rootfs, const std::string& hostname, bool privileged,
                               const std::vector<SandboxMount>& mounts = {}, bool read_only_root = false);

}  // namespace hoist::container
