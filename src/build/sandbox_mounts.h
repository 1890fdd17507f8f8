#pragma once
// The filesystem side of the sandbox (build/sandbox.h): mount points prepared in the image before
// the run and removed after it, and the mounts made inside the new mount namespace.

#include <string>
#include <vector>

#include "build/root_dir.h"
#include "core/error.h"

namespace hoist::build {

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
// (build/sandbox_masks.h). `privileged` (docker's --privileged) keeps device nodes usable, /sys
// writable and /proc unmasked. Returns a message describing the first failure, or "" on success.
// Only for a forked child.
std::string SetupSandboxMounts(const std::string& rootfs, const std::string& hostname, bool privileged);

}  // namespace hoist::build
