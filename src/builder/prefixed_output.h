#pragma once
// BuildKit's plain progress shows a RUN step's output as "#N 0.123 line": while the step runs,
// fds 1 and 2 point at a pipe whose lines a relay process writes to the build's output, each
// prefixed. A process, not a thread: the sandbox forks while the relay runs, and a forked child
// must not inherit a lock another thread holds.

#include <sys/types.h>

#include <chrono>
#include <string>

#include "core/error.h"

namespace hoist::builder {

class PrefixedOutput {
 public:
  // Starts the relay writing to `out_fd` with "#<vertex> " and the seconds since now.
  static Result<PrefixedOutput> Start(int vertex, int out_fd);
  PrefixedOutput(PrefixedOutput&& other) noexcept;
  PrefixedOutput& operator=(PrefixedOutput&&) = delete;
  ~PrefixedOutput();  // Finish() if not called

  // Where the step's command writes (the pipe's write end).
  int input_fd() const { return write_fd_; }
  // Closes the write end and waits for the relay to flush what is left.
  void Finish();

  // One output line as the relay writes it (for the tests).
  static std::string Line(int vertex, double seconds, const std::string& text);

 private:
  PrefixedOutput(int write_fd, pid_t relay) : write_fd_(write_fd), relay_(relay) {}
  int write_fd_ = -1;
  pid_t relay_ = -1;
};

}  // namespace hoist::builder
