#pragma once
// The kernel files docker hides from a container (container/sandbox.h): inside the new root, after
// pivot_root, /proc/kcore, /proc/keys, /proc/timer_list and friends are masked (/dev/null bound
// over a file, an empty read-only tmpfs over a directory), and /proc/sys, /proc/sysrq-trigger,
// /proc/irq, /proc/bus and /proc/fs become read-only. Paths this kernel lacks are skipped.

#include <string>
#include <vector>

namespace hoist::container {

// docker's lists (moby oci/defaults.go: MaskedPaths, ReadonlyPaths).
std::vector<std::string> SandboxMaskedPaths();
std::vector<std::string> SandboxReadOnlyPaths();

// The flags a read-only or nodev remount of `path` must repeat (a user namespace may not clear
// nosuid, nodev, noexec or the atime flags), read with statvfs; 0 when it cannot be read.
unsigned long LockedMountFlags(const char* path);

// In the child, after the switch to the new root. "" on success, else what failed.
std::string MaskKernelFiles();

}  // namespace hoist::container
