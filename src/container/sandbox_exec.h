#pragma once
// `hoist exec`: a further process in a running container, as `docker exec` starts one. It joins the
// namespaces of the container's PID 1 (user when rootless, then IPC, UTS, network, PID and mount),
// takes its root directory, and is confined as the container's command is (capabilities,
// no_new_privs, seccomp), as the user and in the directory asked for.

#include <sys/types.h>

#include <string>
#include <vector>

#include "container/sandbox_caps.h"
#include "core/error.h"

namespace hoist::container {

struct ExecOptions {
  pid_t container_pid = 0;  // the host PID of the container's PID 1
  std::string rootfs;       // the container's files seen from the host (for /etc/passwd)
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "KEY=value"; PATH, HOME and HOSTNAME get defaults
  std::string working_dir = "/";
  std::string user;
  bool null_stdin = true;
  bool tty = false;
  CapabilitySet capabilities = kDefaultCapabilities;
  bool privileged = false;
};

// The exit code of the process (128+N when killed by signal N); errors as RunInSandbox's
// (kNotFound: no such command; kDenied: cannot execute it).
Result<int> ExecInContainer(const ExecOptions& options);

}  // namespace hoist::container
