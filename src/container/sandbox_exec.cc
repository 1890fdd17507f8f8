#include "container/sandbox_exec.h"
#include "container/child_status.h"
#include "container/container_env.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "container/image_user.h"
#include "container/root_dir.h"
#include "container/sandbox.h"
#include "container/sandbox_seccomp.h"
#include "container/sandbox_tty.h"

extern char** environ;

namespace hoist::container {

namespace {

constexpr char kSetupFailed = 'S';
constexpr char kNotFound = 'N';
constexpr char kCannotExecute = 'X';

// The namespaces joined, in order: the user namespace first (it grants the rights for the others),
// the mount namespace last (after it /proc is the container's).
constexpr const char* kNamespaces[] = {"user", "ipc", "uts", "net", "pid", "mnt"};

struct ExecPlan {
  int ns_fds[6] = {-1, -1, -1, -1, -1, -1};
  int root_fd = -1;
  std::string working_dir;
  uid_t uid = 0;
  gid_t gid = 0;
  bool rootless = false;
  bool null_stdin = true;
  bool privileged = false;
  CapabilitySet capabilities = 0;
  const SeccompProgram* seccomp = nullptr;
  std::vector<char*> argv, envp;
  int error_fd = -1;
  int tty_socket = -1;
};

[[noreturn]] void Fail(const ExecPlan& plan, char kind, const std::string& message) {
  std::string out(1, kind);
  out += message;
  (void)!::write(plan.error_fd, out.data(), out.size());
  ::_exit(kExitCannotExecute);
}

// In the container's PID namespace: root, user, confinement, terminal, then the command.
[[noreturn]] void RunProcess(const ExecPlan& plan) {
  if (::fchdir(plan.root_fd) != 0 || ::chroot(".") != 0) Fail(plan, kSetupFailed, Errno("enter the container's root"));
  ::close(plan.root_fd);
  if (::chdir(plan.working_dir.c_str()) != 0) Fail(plan, kSetupFailed, Errno("working directory " + plan.working_dir));
  int slave = -1;
  if (plan.tty_socket >= 0) {
    int master = -1;
    std::string err = OpenContainerPty(&master, &slave);
    if (!err.empty()) Fail(plan, kSetupFailed, err);
    if (!SendFd(plan.tty_socket, master)) Fail(plan, kSetupFailed, Errno("hand the terminal to hoist"));
    ::close(master);
    ::close(plan.tty_socket);
  }
  if (!plan.privileged) {
    std::string err = DropBoundingCapabilities(plan.capabilities);
    if (!err.empty()) Fail(plan, kSetupFailed, err);
  }
  if (!plan.rootless) {
    gid_t groups[1] = {plan.gid};
    if (::setgroups(1, groups) != 0) Fail(plan, kSetupFailed, Errno("setgroups"));
  }
  if (::setgid(plan.gid) != 0) Fail(plan, kSetupFailed, Errno("setgid " + std::to_string(plan.gid)));
  if (::setuid(plan.uid) != 0) Fail(plan, kSetupFailed, Errno("setuid " + std::to_string(plan.uid)));
  std::string err = LimitCapabilities(plan.privileged ? ~CapabilitySet{0} : plan.capabilities);
  if (!err.empty()) Fail(plan, kSetupFailed, err);
  if (!plan.privileged) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) Fail(plan, kSetupFailed, Errno("set no_new_privs"));
    err = LoadSeccompProgram(*plan.seccomp);
    if (!err.empty()) Fail(plan, kSetupFailed, err);
  }
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (slave >= 0) {
    err = AttachToPty(slave);
    if (!err.empty()) Fail(plan, kSetupFailed, err);
  } else if (plan.null_stdin) {
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || ::dup2(null, STDIN_FILENO) < 0) Fail(plan, kSetupFailed, Errno("stdin from /dev/null"));
  }
  environ = const_cast<char**>(plan.envp.data());
  ::execvp(plan.argv[0], plan.argv.data());
  int e = errno;
  std::string cmd = plan.argv[0];
  if (e == ENOENT) Fail(plan, kNotFound, "command \"" + cmd + "\" not found in the container");
  Fail(plan, kCannotExecute, "cannot execute \"" + cmd + "\": " + std::strerror(e));
}

// Joins the namespaces; the PID namespace applies to children, hence the fork.
[[noreturn]] void JoinNamespaces(const ExecPlan& plan) {
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGQUIT, SIG_IGN);
  for (int i = 0; i < 6; ++i) {
    if (plan.ns_fds[i] < 0) continue;
    if (::setns(plan.ns_fds[i], 0) != 0) Fail(plan, kSetupFailed, Errno(std::string("join the container's ") + kNamespaces[i] + " namespace"));
    ::close(plan.ns_fds[i]);
  }
  pid_t child = ::fork();
  if (child < 0) Fail(plan, kSetupFailed, Errno("fork"));
  if (child == 0) RunProcess(plan);
  ::close(plan.error_fd);
  if (plan.tty_socket >= 0) ::close(plan.tty_socket);
  ::_exit(WaitFor(child));
}

ino_t NamespaceInode(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

Result<int> ExecInContainer(const ExecOptions& options) {
  if (options.argv.empty() || options.argv[0].empty()) return InvalidArgument("exec needs a command");
  HOIST_TRY_ASSIGN(RootDir root, RootDir::Open(options.rootfs));
  HOIST_TRY_ASSIGN(ImageUser user, ResolveImageUser(root, options.user));
  SeccompProgram seccomp;
  if (!options.privileged) {
    HOIST_TRY_ASSIGN(seccomp, BuildSeccompProgram(options.capabilities));
  }

  ExecPlan plan;
  const std::string proc = "/proc/" + std::to_string(options.container_pid);
  auto close_all = [&] {
    for (int& fd : plan.ns_fds) {
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
    if (plan.root_fd >= 0) ::close(plan.root_fd);
  };
  for (int i = 0; i < 6; ++i) {
    const std::string path = proc + "/ns/" + kNamespaces[i];
    // Our own namespace (the user namespace when hoist runs as root, the network with --network
    // host) is not joined again: setns into it would fail.
    if (NamespaceInode(path) == NamespaceInode(std::string("/proc/self/ns/") + kNamespaces[i])) continue;
    plan.ns_fds[i] = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (plan.ns_fds[i] < 0) {
      int err = errno;
      close_all();
      return ErrnoError("open " + path + " (is the container running?)", err);
    }
  }
  plan.root_fd = ::open((proc + "/root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (plan.root_fd < 0) {
    int err = errno;
    close_all();
    return ErrnoError("open " + proc + "/root", err);
  }
  std::vector<std::string> env = ContainerEnv(options.env, {user.home, std::nullopt, options.tty});
  std::vector<std::string> argv = options.argv;
  plan.working_dir = options.working_dir.empty() ? "/" : options.working_dir;
  plan.uid = user.uid;
  plan.gid = user.gid;
  plan.rootless = ::geteuid() != 0;
  plan.null_stdin = options.null_stdin;
  plan.privileged = options.privileged;
  plan.capabilities = options.capabilities;
  plan.seccomp = options.privileged ? nullptr : &seccomp;
  for (auto& a : argv) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : env) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);

  int pipe_fds[2], tty_fds[2] = {-1, -1};
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    int err = errno;
    close_all();
    return ErrnoError("create a pipe", err);
  }
  if (options.tty && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tty_fds) != 0) {
    int err = errno;
    close_all();
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return ErrnoError("create a socket for the terminal", err);
  }
  plan.error_fd = pipe_fds[1];
  plan.tty_socket = tty_fds[1];
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    if (tty_fds[0] >= 0) ::close(tty_fds[0]);
    JoinNamespaces(plan);
  }
  int fork_errno = errno;
  close_all();
  ::close(pipe_fds[1]);
  if (tty_fds[1] >= 0) ::close(tty_fds[1]);
  if (pid < 0) {
    ::close(pipe_fds[0]);
    if (tty_fds[0] >= 0) ::close(tty_fds[0]);
    return ErrnoError("fork", fork_errno);
  }
  struct sigaction ign = {}, old_int, old_quit;
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ign, &old_int);
  ::sigaction(SIGQUIT, &ign, &old_quit);
  if (tty_fds[0] >= 0) {
    int master = ReceiveFd(tty_fds[0]);
    ::close(tty_fds[0]);
    if (master >= 0) {
      RelayPty(master, options.null_stdin ? -1 : STDIN_FILENO, STDOUT_FILENO);
      ::close(master);
    }
  }
  int code = WaitFor(pid);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  const std::string report = ReadErrorPipe(pipe_fds[0]);
  if (!report.empty()) {
    std::string message = report.substr(1);
    switch (report[0]) {
      case kNotFound: return NotFound(message);
      case kCannotExecute: return Error(ErrorCode::kDenied, message);
      default: return Error(ErrorCode::kUnsupported, "exec setup failed: " + message);
    }
  }
  return code;
}

}  // namespace hoist::container
