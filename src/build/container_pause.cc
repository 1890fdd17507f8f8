#include "build/container_pause.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

namespace hoist::build {

namespace {

ino_t PidNamespace(pid_t pid) {
  struct stat st;
  std::string path = "/proc/" + std::to_string(pid) + "/ns/pid";
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// The host PIDs of the processes in PID namespace `ns`.
std::vector<pid_t> ProcessesIn(ino_t ns) {
  std::vector<pid_t> out;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return out;
  while (struct dirent* ent = ::readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(ent->d_name, &end, 10);
    if (end == ent->d_name || *end != '\0' || pid <= 0) continue;
    if (PidNamespace(static_cast<pid_t>(pid)) == ns) out.push_back(static_cast<pid_t>(pid));
  }
  ::closedir(d);
  return out;
}

}  // namespace

Result<PausedContainer> PausedContainer::Pause(pid_t pid1) {
  const ino_t ns = PidNamespace(pid1);
  if (ns == 0) return ErrnoError("read the PID namespace of process " + std::to_string(pid1), errno);
  if (ns == PidNamespace(::getpid())) return Internal("the container shares hoist's PID namespace: cannot pause it alone");
  PausedContainer paused;
  for (int round = 0; round < kMaxPauseRounds; ++round) {
    bool added = false;
    for (pid_t pid : ProcessesIn(ns)) {
      if (std::find(paused.stopped_.begin(), paused.stopped_.end(), pid) != paused.stopped_.end()) continue;
      if (::kill(pid, SIGSTOP) != 0) continue;  // gone meanwhile
      paused.stopped_.push_back(pid);
      added = true;
    }
    if (!added) return paused;
  }
  return Error(ErrorCode::kConflict, "the container kept starting processes while hoist paused it (" +
                                         std::to_string(kMaxPauseRounds) + " rounds); commit with --pause=false");
}

PausedContainer::~PausedContainer() {
  for (pid_t pid : stopped_) ::kill(pid, SIGCONT);
}

}  // namespace hoist::build
