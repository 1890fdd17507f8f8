#pragma once
// Running a command in a root filesystem isolated by Linux namespaces, the way buildah's chroot
// isolation and `docker run` do it without a daemon:
//   - new mount, PID, UTS and IPC namespaces; the host network, or a new empty one (kNone);
//   - pivot_root into the root (chroot where pivot_root is impossible, e.g. an initramfs root);
//   - /proc mounted for the new PID namespace, /dev a tmpfs with null zero full random urandom tty
//     bound from the host, /sys read-only, /etc/resolv.conf and /etc/hosts bound read-only from
//     the host (mount points the image lacks are created for the run and removed afterwards);
//   - docker's default confinement: the capabilities of kDefaultCapabilities (bounding set too,
//     inheritable and ambient empty), no_new_privs, a seccomp filter refusing mount, namespaces,
//     modules, ptrace and the like (container/sandbox_seccomp.h), /proc/kcore and friends masked and
//     /proc/sys read-only (container/sandbox_masks.h), the root and /dev mounted nodev; `privileged`
//     lifts all of it, as docker's --privileged;
//   - a small init as PID 1 that reaps orphans and forwards SIGTERM/SIGHUP, so the command itself
//     behaves as on a host (Ctrl-C reaches it); without `init` the command is PID 1 itself, as in
//     `docker run` without --init;
//   - the user's mounts (bind, named volume, tmpfs) and a read-only root on request;
//   - with `tty`, a pseudo-terminal from the container's own devpts (container/sandbox_tty.h);
//   - as root directly, as a normal user inside a user namespace mapping them to root.
// The command's exit code is returned (128+N when killed by signal N). Setup failures and a
// command that cannot be executed are errors naming the cause.

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "container/sandbox_caps.h"
#include "container/sandbox_mounts.h"
#include "core/error.h"

namespace hoist::container {

struct SandboxOptions {
  std::string rootfs;
  std::vector<std::string> argv;  // argv[0] looked up in the PATH of `env`
  std::vector<std::string> env;   // "KEY=value"; PATH, HOME and HOSTNAME get defaults
  std::string working_dir = "/";  // created when missing, as docker does
  std::string user;               // "", "uid[:gid]" or "name[:group]" from the image's /etc/passwd
  std::string hostname = "hoist";
  enum class Network { kHost, kNone };
  Network network = Network::kHost;
  bool null_stdin = false;  // stdin from /dev/null instead of ours (docker run without -i)
  CapabilitySet capabilities = kDefaultCapabilities;  // with --cap-add/--cap-drop applied
  bool privileged = false;  // every capability, no seccomp, no no_new_privs, /proc and /sys unmasked
  std::vector<SandboxMount> mounts;
  bool read_only_root = false;
  bool init = true;   // hoist's small init as PID 1 (builds, run --init); false: the command is PID 1
  bool tty = false;   // a pseudo-terminal on the command's stdin/out/err, relayed to ours
  // A cgroup directory the container's processes start in (container/container_pause.h); "" for none.
  std::string cgroup;
  // Called in hoist with the host PID of the container's PID 1 once it exists (for stop, kill, exec).
  std::function<void(pid_t)> on_start;
};

// Exit codes docker uses for a command that cannot run.
inline constexpr int kExitCannotExecute = 126;
inline constexpr int kExitCommandNotFound = 127;

Result<int> RunInSandbox(const SandboxOptions& options);

// Whether SIGINT reached hoist while the last RunInSandbox waited for its command (Ctrl-C at a
// terminal reaches both): the command's end was the user's doing, not its own failure.
bool SandboxInterrupted();

}  // namespace hoist::container
