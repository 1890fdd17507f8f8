#pragma once
// The seccomp filter of the sandboxed command (container/sandbox.h), in the spirit of docker's default
// profile: every system call is allowed except those that reach outside the container or into the
// kernel's administration (mount, namespaces, modules, kexec, keyrings, bpf, perf, ptrace, clock,
// swap, reboot, …), which fail with EPERM. As in docker, a capability given with --cap-add unlocks
// the calls it governs (SYS_ADMIN: mount, unshare, setns, namespace clones; SYS_PTRACE: ptrace; …).
// clone3 fails with ENOSYS (its flags are in memory a filter cannot read), so libc falls back to
// clone, whose flags are checked. The filter is compiled with libseccomp in the parent; the child
// only loads the compiled program, right before exec.

#include <linux/filter.h>

#include <string>
#include <vector>

#include "container/sandbox_caps.h"
#include "core/error.h"

namespace hoist::container {

struct SeccompProgram {
  std::vector<sock_filter> instructions;
};

// The filter for a command holding `caps`.
Result<SeccompProgram> BuildSeccompProgram(CapabilitySet caps);

// The system calls the filter refuses for `caps`, by name (for tests and documentation).
std::vector<std::string> SeccompRefusedCalls(CapabilitySet caps);

// In the child, after no_new_privs is set: installs `program`. "" on success, else what failed.
std::string LoadSeccompProgram(const SeccompProgram& program);

}  // namespace hoist::container
