#include "container/sandbox.h"
#include "container/child_status.h"
#include "container/container_env.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "container/image_user.h"
#include "container/root_dir.h"
#include "container/sandbox_mounts.h"
#include "container/sandbox_seccomp.h"
#include "container/sandbox_tty.h"
#include "core/tar_path.h"

extern char** environ;

namespace hoist::container {

namespace {


// What the children report through the error pipe: a kind byte, then a message.
constexpr char kSetupFailed = 'S';
constexpr char kNotFound = 'N';
constexpr char kCannotExecute = 'X';

// Everything the forked children need, prepared before fork so they only make system calls.
struct ChildPlan {
  std::string rootfs;
  std::string hostname;
  std::string working_dir;
  bool rootless = false;
  bool new_network = false;
  bool null_stdin = false;
  bool privileged = false;
  bool init = true;
  bool read_only_root = false;
  const std::vector<SandboxMount>* mounts = nullptr;
  int tty_socket = -1;  // the child's end of the socket the terminal's master goes back through
  int tty_slave = -1;   // in PID 1, once opened
  int pid_fd = -1;      // where the first child reports PID 1's host PID
  std::string cgroup_procs;  // the cgroup.procs file the first child moves itself into, or ""
  CapabilitySet capabilities = 0;
  const SeccompProgram* seccomp = nullptr;  // null when privileged
  uid_t uid = 0, gid = 0;
  uid_t outer_uid = 0;
  gid_t outer_gid = 0;
  std::vector<char*> argv;
  std::vector<char*> envp;
  int error_fd = -1;
};

[[noreturn]] void Fail(const ChildPlan& plan, char kind, const std::string& message) {
  std::string out(1, kind);
  out += message;
  ssize_t ignored = ::write(plan.error_fd, out.data(), out.size());
  (void)ignored;
  ::_exit(kExitCannotExecute);
}

bool WriteProcFile(const char* path, const std::string& data) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
  ::close(fd);
  return ok;
}

volatile pid_t g_command_pid = 0;
volatile sig_atomic_t g_interrupted = 0;

volatile pid_t g_container_pid = 0;  // PID 1 of the container being waited for

// A second Ctrl-C kills the container: a PID 1 without a SIGINT handler ignores the first.
void NoteInterrupt(int) {
  if (g_interrupted && g_container_pid > 0) ::kill(g_container_pid, SIGKILL);
  g_interrupted = 1;
}

void ForwardSignal(int sig) {
  if (g_command_pid > 0) ::kill(g_command_pid, sig);
}

[[noreturn]] void RunCommand(const ChildPlan& plan) {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (plan.tty_slave >= 0) {
    std::string err = AttachToPty(plan.tty_slave);
    if (!err.empty()) Fail(plan, kSetupFailed, err);
  } else if (plan.null_stdin) {
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || ::dup2(null, STDIN_FILENO) < 0) Fail(plan, kSetupFailed, Errno("stdin from /dev/null"));
  }
  environ = const_cast<char**>(plan.envp.data());
  ::execvp(plan.argv[0], plan.argv.data());
  int err = errno;
  std::string cmd = plan.argv[0];
  if (err == ENOENT) {
    Fail(plan, kNotFound, "command \"" + cmd + "\" not found in the image" +
                              (cmd.find('/') == std::string::npos ? " (searched its PATH)" : ""));
  }
  Fail(plan, kCannotExecute, "cannot execute \"" + cmd + "\": " + std::strerror(err));
}

// Confines init and, through fork and exec, the command: capabilities, no_new_privs, then the
// seccomp filter last, after every mount and the switch of root (the filter refuses mount).
// init is confined too: it runs in the container, where the command could reach it.
void Confine(const ChildPlan& plan) {
  std::string err = LimitCapabilities(plan.privileged ? ~CapabilitySet{0} : plan.capabilities);
  if (!err.empty()) Fail(plan, kSetupFailed, err);
  if (plan.privileged) return;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) Fail(plan, kSetupFailed, Errno("set no_new_privs"));
  err = LoadSeccompProgram(*plan.seccomp);
  if (!err.empty()) Fail(plan, kSetupFailed, err);
}

// PID 1 of the new PID namespace: sets up the root, then becomes the command, or (with init)
// starts it and reaps until it exits.
[[noreturn]] void RunInit(ChildPlan& plan) {
  std::string err = SetupSandboxMounts(plan.rootfs, plan.hostname, plan.privileged, *plan.mounts, plan.read_only_root);
  if (!err.empty()) Fail(plan, kSetupFailed, err);
  if (plan.tty_socket >= 0) {
    int master = -1;
    err = OpenContainerPty(&master, &plan.tty_slave);
    if (!err.empty()) Fail(plan, kSetupFailed, err);
    if (!SendFd(plan.tty_socket, master)) Fail(plan, kSetupFailed, Errno("hand the terminal to hoist"));
    ::close(master);
    ::close(plan.tty_socket);
  }
  if (::chdir(plan.working_dir.c_str()) != 0) Fail(plan, kSetupFailed, Errno("working directory " + plan.working_dir));
  if (plan.rootless && (plan.uid != 0 || plan.gid != 0)) {
    Fail(plan, kSetupFailed, "a run without root maps only root into its user namespace; --user " +
                                 std::to_string(plan.uid) + ":" + std::to_string(plan.gid) + " needs hoist to run as root");
  }
  if (!plan.privileged) {
    // Before setuid, which needs CAP_SETUID even when --cap-drop removes it from the command.
    err = DropBoundingCapabilities(plan.capabilities);
    if (!err.empty()) Fail(plan, kSetupFailed, err);
  }
  if (!plan.rootless) {
    gid_t groups[1] = {plan.gid};
    if (::setgroups(1, groups) != 0) Fail(plan, kSetupFailed, Errno("setgroups"));
  }
  if (::setgid(plan.gid) != 0) Fail(plan, kSetupFailed, Errno("setgid " + std::to_string(plan.gid)));
  if (::setuid(plan.uid) != 0) Fail(plan, kSetupFailed, Errno("setuid " + std::to_string(plan.uid)));
  Confine(plan);
  if (!plan.init) RunCommand(plan);

  ::prctl(PR_SET_NAME, "hoist-init", 0, 0, 0);
  pid_t child = ::fork();
  if (child < 0) Fail(plan, kSetupFailed, Errno("fork"));
  if (child == 0) RunCommand(plan);
  ::close(plan.error_fd);
  if (plan.tty_slave >= 0) ::close(plan.tty_slave);
  g_command_pid = child;
  struct sigaction fwd = {};
  fwd.sa_handler = ForwardSignal;
  for (int sig : {SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) ::sigaction(sig, &fwd, nullptr);
  for (;;) {
    int status = 0;
    pid_t w = ::waitpid(-1, &status, 0);
    if (w == child) ::_exit(ExitCodeOf(status));
    if (w < 0 && errno != EINTR) ::_exit(kExitCannotExecute);
  }
}

// The first child: enters the namespaces (a PID namespace applies to children, hence init's fork).
[[noreturn]] void RunNamespaces(ChildPlan& plan) {
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGQUIT, SIG_IGN);
  if (!plan.cgroup_procs.empty()) {
    // Before any container process exists, so all of them inherit it. A cgroup the kernel refuses
    // (delegation, a read-only hierarchy) costs only the freezer: pausing then stops the processes.
    (void)WriteProcFile(plan.cgroup_procs.c_str(), "0");
  }
  if (plan.rootless) {
    if (::unshare(CLONE_NEWUSER) != 0) {
      Fail(plan, kSetupFailed, Errno("create a user namespace") +
                                   " (running without root needs unprivileged user namespaces; see "
                                   "sysctl kernel.unprivileged_userns_clone and user.max_user_namespaces, or run as root)");
    }
    if (!WriteProcFile("/proc/self/setgroups", "deny") ||
        !WriteProcFile("/proc/self/uid_map", "0 " + std::to_string(plan.outer_uid) + " 1") ||
        !WriteProcFile("/proc/self/gid_map", "0 " + std::to_string(plan.outer_gid) + " 1")) {
      Fail(plan, kSetupFailed, Errno("map our user to root in the user namespace"));
    }
  }
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | (plan.new_network ? CLONE_NEWNET : 0);
  if (::unshare(flags) != 0) Fail(plan, kSetupFailed, Errno("create namespaces"));
  pid_t init = ::fork();
  if (init < 0) Fail(plan, kSetupFailed, Errno("fork"));
  if (init == 0) {
    ::close(plan.pid_fd);
    RunInit(plan);
  }
  int32_t reported = init;
  ssize_t ignored = ::write(plan.pid_fd, &reported, sizeof reported);
  (void)ignored;
  ::close(plan.pid_fd);
  if (plan.tty_socket >= 0) ::close(plan.tty_socket);
  ::close(plan.error_fd);
  ::_exit(WaitFor(init));
}


}  // namespace

bool SandboxInterrupted() { return g_interrupted != 0; }

Result<int> RunInSandbox(const SandboxOptions& options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return InvalidArgument("no command to run: the image has no Entrypoint or Cmd and none was given");
  }
  HOIST_TRY_ASSIGN(RootDir root, RootDir::Open(options.rootfs));
  HOIST_TRY_ASSIGN(ImageUser user, ResolveImageUser(root, options.user));
  std::string workdir = options.working_dir.empty() ? "/" : options.working_dir;
  if (workdir.front() != '/') return InvalidArgument("working directory " + QuotePath(workdir) + " is not absolute");
  HOIST_TRY_ASSIGN(std::string work_rel, CleanEntryPath(workdir.substr(1).empty() ? "." : workdir.substr(1)));
  HOIST_TRY(root.OpenDir(work_rel, /*create_missing=*/true));
  SeccompProgram seccomp;
  if (!options.privileged) {
    HOIST_TRY_ASSIGN(seccomp, BuildSeccompProgram(options.capabilities));
  }
  std::vector<SandboxMount> mounts = options.mounts;
  for (auto& m : mounts) {
    if (m.target.empty() || m.target.front() != '/') {
      return InvalidArgument("mount target " + QuotePath(m.target) + " is not an absolute path");
    }
    if (m.target != "/") {
      HOIST_TRY_ASSIGN(std::string rel, CleanEntryPath(m.target.substr(1)));
      m.target = "/" + rel;
    }
  }
  HOIST_TRY(PrepareUserMounts(root, mounts));
  HOIST_TRY_ASSIGN(MountPoints mount_points, MountPoints::Prepare(root));

  std::vector<std::string> env = ContainerEnv(options.env, {user.home, options.hostname, options.tty});
  std::vector<std::string> argv = options.argv;
  ChildPlan plan;
  plan.rootfs = root.path();
  plan.hostname = options.hostname;
  plan.working_dir = workdir;
  plan.rootless = ::geteuid() != 0;
  plan.new_network = options.network == SandboxOptions::Network::kNone;
  plan.null_stdin = options.null_stdin;
  plan.privileged = options.privileged;
  plan.init = options.init;
  if (!options.cgroup.empty()) plan.cgroup_procs = options.cgroup + "/cgroup.procs";
  plan.read_only_root = options.read_only_root;
  plan.mounts = &mounts;
  plan.capabilities = options.capabilities;
  plan.seccomp = options.privileged ? nullptr : &seccomp;
  plan.uid = user.uid;
  plan.gid = user.gid;
  plan.outer_uid = ::geteuid();
  plan.outer_gid = ::getegid();
  for (auto& a : argv) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : env) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);

  int pipe_fds[2], pid_fds[2], tty_fds[2] = {-1, -1};
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError("create a pipe", errno);
  if (::pipe2(pid_fds, O_CLOEXEC) != 0) {
    int err = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return ErrnoError("create a pipe", err);
  }
  if (options.tty && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, tty_fds) != 0) {
    int err = errno;
    for (int fd : {pipe_fds[0], pipe_fds[1], pid_fds[0], pid_fds[1]}) ::close(fd);
    return ErrnoError("create a socket for the terminal", err);
  }
  plan.error_fd = pipe_fds[1];
  plan.pid_fd = pid_fds[1];
  plan.tty_socket = tty_fds[1];
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    for (int fd : {pipe_fds[0], pipe_fds[1], pid_fds[0], pid_fds[1], tty_fds[0], tty_fds[1]}) {
      if (fd >= 0) ::close(fd);
    }
    return ErrnoError("fork", err);
  }
  if (pid == 0) {
    ::close(pipe_fds[0]);
    ::close(pid_fds[0]);
    if (tty_fds[0] >= 0) ::close(tty_fds[0]);
    RunNamespaces(plan);
  }
  ::close(pipe_fds[1]);
  ::close(pid_fds[1]);
  if (tty_fds[1] >= 0) ::close(tty_fds[1]);
  int32_t container_pid = 0;
  ssize_t got;
  do {
    got = ::read(pid_fds[0], &container_pid, sizeof container_pid);
  } while (got < 0 && errno == EINTR);
  ::close(pid_fds[0]);
  // Ctrl-C at a terminal reaches the command (same process group); we wait for its verdict and
  // note that it came (SandboxInterrupted), so a build stops with 130 rather than "exit code 130".
  struct sigaction ign = {}, note = {}, old_int, old_quit;
  ign.sa_handler = SIG_IGN;
  note.sa_handler = NoteInterrupt;
  g_interrupted = 0;
  g_container_pid = got == static_cast<ssize_t>(sizeof container_pid) ? container_pid : 0;
  ::sigaction(SIGINT, &note, &old_int);
  ::sigaction(SIGQUIT, &ign, &old_quit);
  int master = -1;
  if (tty_fds[0] >= 0) {
    master = ReceiveFd(tty_fds[0]);  // -1 when setup failed before the terminal existed
    ::close(tty_fds[0]);
  }
  // The error pipe ends when the command has been executed (every copy is close-on-exec or closed
  // after its fork) or with the reason it could not be: only then is the container started.
  const std::string report = ReadErrorPipe(pipe_fds[0]);
  if (report.empty() && g_container_pid > 0 && options.on_start) options.on_start(g_container_pid);
  if (tty_fds[0] >= 0) {
    if (master >= 0) {
      RelayPty(master, options.null_stdin ? -1 : STDIN_FILENO, STDOUT_FILENO);
      ::close(master);
    }
  }
  int code = WaitFor(pid);
  g_container_pid = 0;
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  mount_points.Cleanup();
  if (!report.empty()) {
    std::string message = report.substr(1);
    switch (report[0]) {
      case kNotFound: return NotFound(message);
      case kCannotExecute: return Error(ErrorCode::kDenied, message);
      default: return Error(ErrorCode::kUnsupported, "sandbox setup failed: " + message);
    }
  }
  return code;
}

}  // namespace hoist::container
