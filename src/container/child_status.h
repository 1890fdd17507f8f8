#pragma once
// What the sandbox's forked children share: a failing call's text for the error pipe (no
// allocation-heavy Error in a child that is about to _exit) and the parent's reading of it, and a
// waited child's exit code as a shell reports it (128+N when killed by signal N).

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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

// Everything a child wrote to its error pipe, read to the end (the pipe ends when the command was
// executed, every copy being close-on-exec, or with the reason it could not be); closes `fd`.
inline std::string ReadErrorPipe(int fd) {
  std::string report;
  char buf[1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      report.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(fd);
  return report;
}

}  // namespace hoist::container
