#include "container/container_pause.h"

#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "core/fs.h"

namespace hoist::container {

namespace {

ino_t PidNamespace(pid_t pid) {
  struct stat st;
  std::string path = "/proc/" + std::to_string(pid) + "/ns/pid";
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// The host PIDs of the processes in PID namespace `ns`.
std::vector<pid_t> ProcessesIn(ino_t ns) {
  std::vector<pid_t> out;
  auto names = ListDirNames("/proc");
  if (!names.ok()) return out;
  for (const std::string& name : *names) {
    char* end = nullptr;
    long pid = std::strtol(name.c_str(), &end, 10);
    if (end == name.c_str() || *end != '\0' || pid <= 0) continue;
    if (PidNamespace(static_cast<pid_t>(pid)) == ns) out.push_back(static_cast<pid_t>(pid));
  }
  return out;
}

constexpr const char* kFreezerV1 = "/sys/fs/cgroup/freezer";

bool WriteText(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

std::string ReadText(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

bool IsV1(const std::string& cgroup) { return ::access((cgroup + "/freezer.state").c_str(), F_OK) == 0; }

// Our own cgroup v2 directory ("0::/path" in /proc/self/cgroup), "" when there is none.
std::string OwnV2Cgroup() {
  std::string text = ReadText("/proc/self/cgroup");
  size_t at = text.find("0::");
  if (at == std::string::npos || (at != 0 && text[at - 1] != '\n')) return "";
  size_t end = text.find('\n', at);
  std::string rel = text.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
  for (const char* root : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    std::string dir = std::string(root) + (rel == "/" ? "" : rel);
    if (::access((std::string(root) + "/cgroup.controllers").c_str(), F_OK) == 0 &&
        ::access((dir + "/cgroup.procs").c_str(), W_OK) == 0) {
      return dir;
    }
  }
  return "";
}

bool WaitFrozen(const std::string& cgroup) {
  for (int waited = 0; waited < kFreezeTimeoutMs; waited += 10) {
    std::string state = IsV1(cgroup) ? ReadText(cgroup + "/freezer.state") : ReadText(cgroup + "/cgroup.events");
    if (IsV1(cgroup) ? state.rfind("FROZEN", 0) == 0 : state.find("frozen 1") != std::string::npos) return true;
    ::usleep(10 * 1000);
  }
  return false;
}

void Thaw(const std::string& cgroup) {
  if (IsV1(cgroup)) {
    WriteText(cgroup + "/freezer.state", "THAWED");
  } else {
    WriteText(cgroup + "/cgroup.freeze", "0");
  }
}

}  // namespace

std::string MakeFreezerCgroup(const std::string& id) {
  if (::geteuid() != 0) return "";
  std::string parent;
  if (::access((std::string(kFreezerV1) + "/cgroup.procs").c_str(), W_OK) == 0) {
    parent = kFreezerV1;
  } else {
    parent = OwnV2Cgroup();
  }
  if (parent.empty()) return "";
  std::string dir = parent + "/hoist-" + id;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return "";
  if (!IsV1(dir) && ::access((dir + "/cgroup.freeze").c_str(), W_OK) != 0) {
    ::rmdir(dir.c_str());
    return "";
  }
  return dir;
}

void RemoveFreezerCgroup(const std::string& path) {
  if (!path.empty()) ::rmdir(path.c_str());
}

Result<PausedContainer> PausedContainer::Pause(pid_t pid1, const std::string& cgroup) {
  if (!cgroup.empty() && ::access((cgroup + "/cgroup.procs").c_str(), F_OK) == 0 &&
      ReadText(cgroup + "/cgroup.procs").find(std::to_string(pid1) + "\n") != std::string::npos) {
    bool asked = IsV1(cgroup) ? WriteText(cgroup + "/freezer.state", "FROZEN") : WriteText(cgroup + "/cgroup.freeze", "1");
    if (asked && WaitFrozen(cgroup)) {
      PausedContainer paused;
      paused.frozen_ = cgroup;
      return paused;
    }
    Thaw(cgroup);  // the freezer did not answer in time: stop the processes instead
  }
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
  if (!frozen_.empty()) Thaw(frozen_);
  for (pid_t pid : stopped_) ::kill(pid, SIGCONT);
}

}  // namespace hoist::container
