#include "registry/auth/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <thread>

extern char** environ;

namespace hoist::registry {

namespace {

constexpr size_t kMaxStderr = 4096;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

Status MakePipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("create pipe", errno);
  p.read.Reset(fds[0]);
  p.write.Reset(fds[1]);
  return Ok();
}

void SetNonBlocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Writing to a helper that already exited must give EPIPE, not kill us: block SIGPIPE in this
// thread and swallow any SIGPIPE we caused before unblocking.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_set_);
    sigaddset(&pipe_set_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_);
  }
  ~SigpipeBlock() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set_, nullptr, &zero) == -1 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_set_;
  sigset_t old_;
  bool was_pending_ = false;
};

class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
};

int Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

// Waits for the child until the deadline; nullopt if it is still running then.
std::optional<int> ReapBefore(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return 255;
    }
    if (r < 0 && errno != EINTR) return 255;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string Seconds(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

}  // namespace

Result<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv, std::string_view input,
                                       std::chrono::milliseconds timeout, size_t max_output) {
  if (argv.empty()) return InvalidArgument("no program to run");
  const std::string& program = argv[0];
  Pipe in, out, err;
  HOIST_TRY(MakePipe(in));
  HOIST_TRY(MakePipe(out));
  HOIST_TRY(MakePipe(err));

  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, in.read.get(), 0);
  posix_spawn_file_actions_adddup2(&setup.actions, out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&setup.actions, err.write.get(), 2);
  // The child starts with no blocked signals and SIGPIPE at its default, whatever we did.
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&setup.attr, &empty);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, program.c_str(), &setup.actions, &setup.attr, args.data(), environ);
  if (rc == ENOENT) return NotFound(program + " is not installed (not found on PATH)");
  if (rc != 0) return ErrnoError("run " + program, rc);
  in.read.Close();
  out.write.Close();
  err.write.Close();

  SigpipeBlock sigpipe_block;
  SetNonBlocking(in.write.get());
  SetNonBlocking(out.read.get());
  SetNonBlocking(err.read.get());

  SubprocessResult result;
  size_t written = 0;
  if (input.empty()) in.write.Close();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true;
  std::optional<Error> failure;
  char buf[16384];
  while (out_open || err_open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = Error(ErrorCode::kTimeout, program + " did not finish within " + Seconds(timeout));
      break;
    }
    struct pollfd fds[3];
    nfds_t n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_open) {
      out_i = static_cast<int>(n);
      fds[n++] = {out.read.get(), POLLIN, 0};
    }
    if (err_open) {
      err_i = static_cast<int>(n);
      fds[n++] = {err.read.get(), POLLIN, 0};
    }
    if (in.write.get() >= 0) {
      in_i = static_cast<int>(n);
      fds[n++] = {in.write.get(), POLLOUT, 0};
    }
    int ready = ::poll(fds, n, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      failure = ErrnoError("wait for " + program, errno);
      break;
    }
    if (in_i >= 0 && fds[in_i].revents != 0) {
      ssize_t w = ::write(in.write.get(), input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      // EPIPE: the program stopped reading; its exit status will tell why.
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) in.write.Close();
    }
    if (out_i >= 0 && fds[out_i].revents != 0) {
      ssize_t r = ::read(out.read.get(), buf, sizeof buf);
      if (r > 0) {
        if (result.out.size() + static_cast<size_t>(r) > max_output) {
          failure = TooLarge(program + " wrote more than " + std::to_string(max_output) +
                             " bytes of output");
          break;
        }
        result.out.append(buf, static_cast<size_t>(r));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        out_open = false;
      }
    }
    if (err_i >= 0 && fds[err_i].revents != 0) {
      ssize_t r = ::read(err.read.get(), buf, sizeof buf);
      if (r > 0) {
        size_t room = kMaxStderr - std::min(kMaxStderr, result.err.size());
        result.err.append(buf, std::min(room, static_cast<size_t>(r)));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        err_open = false;
      }
    }
  }
  in.write.Close();
  if (!failure) {
    // Output closed; the program may still linger, but not past the deadline.
    std::optional<int> status = ReapBefore(pid, deadline);
    if (status) {
      result.exit_status = *status;
      return result;
    }
  }
  if (!failure) {
    failure = Error(ErrorCode::kTimeout, program + " did not finish within " + Seconds(timeout));
  }
  ::kill(pid, SIGKILL);
  Reap(pid);
  return std::move(*failure);
}

}  // namespace hoist::registry
