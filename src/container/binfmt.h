#pragma once
// Running another architecture's programs (RUN steps of `hoist build --platform`, `hoist run
// --platform`) through qemu-user: the kernel's binfmt_misc must hand that architecture's ELF files to
// a qemu interpreter, registered with the F flag (the kernel opens the interpreter when it is
// registered, so it works inside a container's chroot where the interpreter's path does not exist).
// Debian's qemu-user-static registers every architecture that way.

#include <string>

#include "core/error.h"
#include "core/platform.h"

namespace hoist::container {

inline constexpr const char* kBinfmtMiscDir = "/proc/sys/fs/binfmt_misc";

// qemu's name for `target`'s architecture ("aarch64" for linux/arm64); "" when `host` runs it
// natively (the same architecture, or 386 on amd64).
std::string QemuArchitecture(const Platform& target, const Platform& host);

// Ok when programs for `target` can run here: natively, or through an enabled binfmt_misc entry for
// qemu-<arch> with the F flag under `binfmt_dir`. Otherwise an Unsupported error saying how to get it
// (`what` says what needs it: "RUN steps for linux/arm64").
Status CheckEmulation(const Platform& target, const std::string& what, const std::string& binfmt_dir = kBinfmtMiscDir,
                      const Platform& host = Platform::Host());

}  // namespace hoist::container
