#pragma once
// What the sandbox's forked children share: a failing call's text for the error pipe (no
// allocation-heavy Error in a child that is about to _exit), and a waited child's exit code as a
// shell reports it (128+N when killed by signal N).

#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "container/sandbox.h"

namespace hoist::container {

// "WHAT: strerror(errno)".
inline std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

inline int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return kExitCannotExecute;
}

// Waits for `pid` through EINTR; its exit code, or kExitCannotExecute when it cannot be waited for.
inline int WaitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return kExitCannotExecute;
  }
  return ExitCodeOf(status);
}

}  // namespace hoist::container
