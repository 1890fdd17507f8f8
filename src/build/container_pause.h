#pragma once
// Holding a running container still while its files are read (`hoist commit` of a running
// container, as docker pauses one): every process in its PID namespace gets SIGSTOP, and SIGCONT
// when the PausedContainer goes away. docker uses the cgroup freezer; hoist does not put
// containers in cgroups of their own, so it stops the processes instead (a process may notice
// through SIGCHLD in its parent; none can run on while stopped).

#include <sys/types.h>

#include <vector>

#include "core/error.h"

namespace hoist::build {

// Rounds of looking for processes forked while the others were being stopped.
inline constexpr int kMaxPauseRounds = 20;

class PausedContainer {
 public:
  // Stops the processes of the PID namespace whose PID 1 has host PID `pid1`.
  static Result<PausedContainer> Pause(pid_t pid1);
  PausedContainer(PausedContainer&& other) noexcept : stopped_(std::move(other.stopped_)) { other.stopped_.clear(); }
  PausedContainer& operator=(PausedContainer&&) = delete;
  ~PausedContainer();

  size_t size() const { return stopped_.size(); }

 private:
  PausedContainer() = default;
  std::vector<pid_t> stopped_;
};

}  // namespace hoist::build
