#include "container/container_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>
#include <thread>

#include "container/container_pause.h"
#include "store/import.h"

namespace hoist::container {

namespace {

std::string Now() { return store::Rfc3339(static_cast<int64_t>(std::time(nullptr))); }

int ExitCodeOf(const Result<int>& code) {
  if (code.ok()) return *code;
  return code.error().code() == ErrorCode::kNotFound ? kExitCommandNotFound : kExitCannotExecute;
}

// Runs the sandbox for `record`, saving it as running once PID 1 exists and as exited at the end.
// `started` is called after the running record is saved.
Result<int> RunRecorded(const ContainerStore& store, ContainerRecord& record, SandboxOptions sandbox,
                        const std::function<void()>& started) {
  record.pid = static_cast<int>(::getpid());
  sandbox.on_start = [&](pid_t pid) {
    record.status = "running";
    record.container_pid = static_cast<int>(pid);
    record.started = Now();
    record.finished.clear();
    (void)store.Save(record);
    if (started) started();
  };
  record.cgroup = MakeFreezerCgroup(record.id);
  sandbox.cgroup = record.cgroup;
  auto code = RunInSandbox(sandbox);
  RemoveFreezerCgroup(record.cgroup);
  record.cgroup.clear();
  record.status = "exited";
  record.pid = 0;
  record.container_pid = 0;
  record.exit_code = ExitCodeOf(code);
  record.finished = Now();
  return code;
}

}  // namespace

Result<int> RunAttached(const ContainerStore& store, ContainerRecord record, bool interactive) {
  SandboxOptions sandbox = SandboxFor(record, store.Rootfs(record.id));
  sandbox.null_stdin = !interactive;
  record.detached = false;
  auto code = RunRecorded(store, record, std::move(sandbox), nullptr);
  HOIST_TRY(store.Save(record));
  return code;
}

Status StartDetached(const ContainerStore& store, ContainerRecord record) {
  const std::string log = store.LogFile(record.id);
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return ErrnoError("open " + log, errno);
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) {
    int err = errno;
    ::close(log_fd);
    return ErrnoError("create a pipe", err);
  }
  std::fflush(nullptr);
  pid_t first = ::fork();
  if (first < 0) {
    int err = errno;
    for (int fd : {log_fd, ready[0], ready[1]}) ::close(fd);
    return ErrnoError("fork", err);
  }
  if (first == 0) {
    // The supervisor: a grandchild in its own session, so it outlives us and no terminal's
    // hangup or Ctrl-C reaches it.
    ::close(ready[0]);
    ::setsid();
    pid_t supervisor = ::fork();
    if (supervisor != 0) ::_exit(supervisor < 0 ? 1 : 0);
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) {
      ::dup2(null, STDIN_FILENO);
      ::close(null);
    }
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::close(log_fd);
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);
    record.detached = true;
    SandboxOptions sandbox = SandboxFor(record, store.Rootfs(record.id));
    sandbox.null_stdin = true;
    bool told = false;
    auto code = RunRecorded(store, record, std::move(sandbox), [&] {
      char ok = 'R';
      (void)!::write(ready[1], &ok, 1);
      ::close(ready[1]);
      told = true;
    });
    if (!code.ok()) {
      std::string line = "hoist: " + code.error().ToString() + "\n";
      (void)!::write(STDERR_FILENO, line.data(), line.size());
      // The kind first, so `run -d` exits as a foreground run would (127, 126).
      const ErrorCode kind = code.error().code();
      line = std::string(1, kind == ErrorCode::kNotFound ? 'N' : kind == ErrorCode::kDenied ? 'X' : 'S') +
             code.error().ToString();
      if (!told) (void)!::write(ready[1], line.data(), line.size());
    }
    if (record.spec.auto_remove) {
      (void)store.Remove(record.id);
    } else {
      (void)store.Save(record);
    }
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(log_fd);
  int status = 0;
  while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
  }
  std::string answer;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(ready[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
    if (answer == "R") break;
  }
  ::close(ready[0]);
  if (answer == "R") return Ok();
  if (answer.empty()) return Error(ErrorCode::kInternal, "the container's supervisor ended before the container started");
  const char kind = answer[0];
  answer = answer.substr(1);
  if (kind == 'N') return NotFound(answer);
  if (kind == 'X') return Error(ErrorCode::kDenied, answer);
  return Error(ErrorCode::kUnsupported, answer);
}

Status SignalContainer(const ContainerRecord& record, int sig) {
  if (!record.running() || record.container_pid <= 0) {
    return Error(ErrorCode::kConflict, "container " + record.name + " is not running");
  }
  if (::kill(record.container_pid, sig) != 0 && errno != ESRCH) {
    return ErrnoError("signal container " + record.name, errno);
  }
  return Ok();
}

Result<ContainerRecord> WaitForExit(const ContainerStore& store, const std::string& id, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::optional<ContainerRecord> last;
  for (;;) {
    auto found = store.Find(id);
    if (!found.ok() && found.error().code() == ErrorCode::kNotFound && last) {
      last->status = "exited";  // removed at its end (--rm): it ran to completion
      last->pid = 0;
      return *last;
    }
    HOIST_TRY_ASSIGN(ContainerRecord r, std::move(found));
    last = r;
    if (!r.running()) return r;
    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMilliseconds));
  }
}

Result<ContainerRecord> StopContainer(const ContainerStore& store, const ContainerRecord& record, int sig,
                                      int timeout_seconds) {
  if (!record.running()) return record;
  HOIST_TRY(SignalContainer(record, sig));
  HOIST_TRY_ASSIGN(ContainerRecord r, WaitForExit(store, record.id, timeout_seconds * 1000));
  if (!r.running()) return r;
  HOIST_TRY(SignalContainer(r, SIGKILL));
  return WaitForExit(store, record.id, -1);
}

}  // namespace hoist::container
