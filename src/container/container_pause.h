#pragma once
// Holding a running container still while its files are read (`hoist commit` of a running
// container, as docker pauses one). As root, every container runs in a freezer cgroup of its own
// (the cgroup v1 freezer hierarchy, else a cgroup v2 child of hoist's own cgroup), made before
// its first process and removed after its end: pausing freezes it, as docker does. Without one
// (no root, no freezer, a cgroup the kernel refuses) every process in its PID namespace gets
// SIGSTOP, and SIGCONT afterwards (a parent may notice through SIGCHLD; none can run on).

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace hoist::container {

// Rounds of looking for processes forked while the others were being stopped.
inline constexpr int kMaxPauseRounds = 20;
// How long a freeze may take before hoist gives up on the freezer and stops the processes.
inline constexpr int kFreezeTimeoutMs = 2000;

// A freezer cgroup for container `id`, as a directory path; "" when none can be made.
std::string MakeFreezerCgroup(const std::string& id);
// Removes it (the kernel refuses while processes remain; then it stays, harmlessly empty later).
void RemoveFreezerCgroup(const std::string& path);

class PausedContainer {
 public:
  // Freezes `cgroup` when it is a freezer cgroup, else stops the processes of the PID namespace
  // whose PID 1 has host PID `pid1`.
  static Result<PausedContainer> Pause(pid_t pid1, const std::string& cgroup);
  PausedContainer(PausedContainer&& other) noexcept
      : stopped_(std::move(other.stopped_)), frozen_(std::move(other.frozen_)) {
    other.stopped_.clear();
    other.frozen_.clear();
  }
  PausedContainer& operator=(PausedContainer&&) = delete;
  ~PausedContainer();

  bool frozen() const { return !frozen_.empty(); }

 private:
  PausedContainer() = default;
  std::vector<pid_t> stopped_;
  std::string frozen_;  // the cgroup frozen
};

}  // namespace hoist::container
