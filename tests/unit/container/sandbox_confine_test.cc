// The sandbox's confinement (issue 17): capabilities, no_new_privs, the seccomp filter, masked and
// read-only kernel files and nodev mounts, seen from a busybox command inside, as docker's default.

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <map>

#include "container/sandbox.h"
#include "container/sandbox_masks.h"
#include "container/sandbox_seccomp.h"
#include "container_test_util.h"
#include "support/temp_dir.h"

using hoist::container::testing::MakeBusyboxRootfs;
using hoist::container::testing::ReadWhole;

namespace hoist::container {
namespace {

// docker's default set as /proc/self/status shows it.
constexpr const char* kDockerDefaultCaps = "00000000a80425fb";

// "CapEff" → "00000000a80425fb" and so on, from a /proc/<pid>/status text.
std::map<std::string, std::string> StatusFields(const std::string& status) {
  std::map<std::string, std::string> fields;
  size_t pos = 0;
  while (pos < status.size()) {
    size_t end = status.find('\n', pos);
    if (end == std::string::npos) end = status.size();
    std::string line = status.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      size_t v = line.find_first_not_of(" \t", colon + 1);
      fields[line.substr(0, colon)] = v == std::string::npos ? "" : line.substr(v);
    }
    pos = end + 1;
  }
  return fields;
}

Result<int> Sh(const std::string& rootfs, const std::string& script, SandboxOptions o = {}) {
  o.rootfs = rootfs;
  o.argv = {"sh", "-c", script};
  return RunInSandbox(o);
}

// The command's own /proc/self/status fields.
std::map<std::string, std::string> StatusInside(const std::string& root, SandboxOptions o = {}) {
  static int runs = 0;  // a new file each time: another user's earlier one may not be writable
  const std::string file = "/tmp/status-" + std::to_string(++runs);
  auto code = Sh(root, "cat /proc/self/status > " + file, o);
  INFO((code.ok() ? "" : code.error().ToString()));
  REQUIRE(code.ok());
  REQUIRE(*code == 0);
  return StatusFields(ReadWhole(root + file));
}

// One line "name=exit code" per probe, so a failure says which probe misbehaved.
std::map<std::string, std::string> Probe(const std::string& root, const std::vector<std::pair<std::string, std::string>>& probes,
                                         SandboxOptions o = {}) {
  std::string script;
  for (const auto& [name, cmd] : probes) script += "( " + cmd + " ) >/dev/null 2>&1; echo " + name + "=$? >> /tmp/probes\n";
  auto code = Sh(root, script, o);
  INFO((code.ok() ? "" : code.error().ToString()));
  REQUIRE(code.ok());
  std::map<std::string, std::string> results;
  std::ifstream in(root + "/tmp/probes");
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    results[line.substr(0, eq)] = line.substr(eq + 1);
  }
  ::unlink((root + "/tmp/probes").c_str());
  return results;
}

struct Rootfs {
  hoist::testing::TempDir tmp;
  bool ok = false;
  Rootfs() {
    if (::geteuid() != 0 || !MakeBusyboxRootfs(tmp.path())) return;
    for (const char* dir : {"/tmp", "/mnt"}) REQUIRE(::mkdir((tmp.path() + dir).c_str(), 01777) == 0);
    ok = true;
  }
  const std::string& path() const { return tmp.path(); }
};

#define REQUIRE_ROOTFS(r)                                           \
  if (!(r).ok) {                                                    \
    WARN("needs root and busybox-static: skipped");                 \
    return;                                                         \
  }

}  // namespace

TEST_CASE("a sandboxed command has docker's default capabilities, no_new_privs and seccomp") {
  Rootfs r;
  REQUIRE_ROOTFS(r);
  auto f = StatusInside(r.path());
  CHECK(f["CapEff"] == kDockerDefaultCaps);
  CHECK(f["CapPrm"] == kDockerDefaultCaps);
  CHECK(f["CapBnd"] == kDockerDefaultCaps);
  CHECK(f["CapInh"] == "0000000000000000");  // as docker since 20.10.14 (CVE-2022-24769)
  CHECK(f["CapAmb"] == "0000000000000000");
  CHECK(f["NoNewPrivs"] == "1");
  CHECK(f["Seccomp"] == "2");

  SECTION("a non-root user keeps only the bounding set") {
    SandboxOptions o;
    o.user = "app";
    REQUIRE(::chmod((r.path() + "/tmp").c_str(), 01777) == 0);
    auto app = StatusInside(r.path(), o);
    CHECK(app["CapEff"] == "0000000000000000");
    CHECK(app["CapPrm"] == "0000000000000000");
    CHECK(app["CapBnd"] == kDockerDefaultCaps);
    CHECK(app["Seccomp"] == "2");
  }
}

TEST_CASE("the cap-add, cap-drop and privileged options change the command's capabilities") {
  Rootfs r;
  REQUIRE_ROOTFS(r);
  SandboxOptions o;
  auto caps = ApplyCapabilityFlags(kDefaultCapabilities, {"net_admin", "CAP_SYS_PTRACE"}, {"chown", "Cap_Kill"});
  REQUIRE(caps.ok());
  o.capabilities = *caps;
  auto f = StatusInside(r.path(), o);
  CHECK(f["CapEff"] == "00000000a80c35da");  // + NET_ADMIN (12), SYS_PTRACE (19); − CHOWN (0), KILL (5)
  CHECK(f["CapBnd"] == "00000000a80c35da");

  caps = ApplyCapabilityFlags(kDefaultCapabilities, {"NET_BIND_SERVICE"}, {"ALL"});
  REQUIRE(caps.ok());
  o.capabilities = *caps;
  f = StatusInside(r.path(), o);
  CHECK(f["CapEff"] == "0000000000000400");
  CHECK(f["CapBnd"] == "0000000000000400");
  CHECK(f["Seccomp"] == "2");

  SandboxOptions privileged;
  privileged.privileged = true;
  f = StatusInside(r.path(), privileged);
  auto ours = StatusFields(ReadWhole("/proc/self/status"));
  CHECK(f["CapEff"] == ours["CapBnd"]);
  CHECK(f["CapBnd"] == ours["CapBnd"]);
  CHECK(f["Seccomp"] == "0");
  CHECK(f["NoNewPrivs"] == "0");
  auto probes = Probe(r.path(), {{"mount", "busybox mount -t tmpfs none /mnt && busybox umount /mnt"},
                                 {"procsys", "echo box > /proc/sys/kernel/hostname"}},
                      privileged);
  CHECK(probes["mount"] == "0");
  CHECK(probes["procsys"] == "0");
}

TEST_CASE("capability names are docker's spellings and ALL follows docker's rule") {
  CHECK(CapabilityByName("NET_ADMIN") == 12);
  CHECK(CapabilityByName("cap_net_admin") == 12);
  CHECK(CapabilityByName("Cap_Checkpoint_Restore") == 40);
  CHECK(CapabilityByName("NET_WIZARD") == -1);
  CHECK(CapabilityName(21) == "CAP_SYS_ADMIN");
  CHECK(ApplyCapabilityFlags(kDefaultCapabilities, {}, {}).value() == kDefaultCapabilities);
  CHECK(ApplyCapabilityFlags(kDefaultCapabilities, {"ALL"}, {"sys_admin"}).value() ==
        (kAllCapabilities & ~CapBit(21)));
  CHECK(ApplyCapabilityFlags(kDefaultCapabilities, {"chown"}, {"all"}).value() == CapBit(0));
  auto bad = ApplyCapabilityFlags(kDefaultCapabilities, {"NET_WIZARD"}, {});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message(), Catch::Contains("--cap-add: unknown capability \"NET_WIZARD\""));
}

TEST_CASE("mount, block devices, /proc/sys writes and new namespaces fail in the sandbox") {
  Rootfs r;
  REQUIRE_ROOTFS(r);
  auto p = Probe(r.path(), {
                               {"mount", "busybox mount -t tmpfs none /mnt"},
                               {"mknod", "busybox mknod /tmp/blk b 7 0"},  // allowed (CAP_MKNOD), as docker
                               // ... but no node made inside can be opened: the root and /dev are nodev
                               // (the host's null, which surely exists, shows it)
                               {"open_node", "busybox mknod /tmp/null c 1 3 && echo x > /tmp/null"},
                               {"dev_node", "busybox mknod /dev/null2 c 1 3 && echo x > /dev/null2"},
                               {"dev_null", "echo x > /dev/null"},
                               {"procsys", "echo evil > /proc/sys/kernel/hostname"},
                               {"sysrq", "echo h > /proc/sysrq-trigger"},
                               {"unshare_user", "busybox unshare -U true"},
                               {"unshare_mount", "busybox unshare -m true"},
                               {"sys_write", "echo 1 > /sys/kernel/profiling"},
                               {"cgroup", "busybox mkdir /sys/fs/cgroup/memory/hoist-escape"},
                               {"linux32", "busybox linux32 busybox true"},  // an allowed personality
                               // busybox date exits 0 when it cannot set the clock: its message tells
                               {"date_refused", "busybox date -s '2001-01-01 00:00:00' 2>&1 | busybox grep -q 'not permitted'"},
                           });
  CHECK(p["mount"] != "0");
  CHECK(p["mknod"] == "0");
  CHECK(p["open_node"] != "0");
  CHECK(p["dev_node"] != "0");
  CHECK(p["dev_null"] == "0");
  CHECK(p["procsys"] != "0");
  CHECK(p["sysrq"] != "0");
  CHECK(p["unshare_user"] != "0");
  CHECK(p["unshare_mount"] != "0");
  CHECK(p["sys_write"] != "0");
  CHECK(p["cgroup"] != "0");
  CHECK(p["linux32"] == "0");
  CHECK(p["date_refused"] == "0");
}

TEST_CASE("/proc and /sys are masked and /dev holds only the standard nodes") {
  Rootfs r;
  REQUIRE_ROOTFS(r);
  auto code = Sh(r.path(),
                 "if [ -e /proc/kcore ]; then busybox wc -c < /proc/kcore; else echo 0; fi > /tmp/kcore; "
                 "cat /proc/keys > /tmp/keys; "
                 "ls /sys/firmware > /tmp/firmware; ls /dev > /tmp/dev; ls /sys/fs/cgroup > /tmp/cgroup; "
                 "cat /proc/self/mountinfo > /tmp/mountinfo");
  REQUIRE(code.ok());
  REQUIRE(*code == 0);
  CHECK(ReadWhole(r.path() + "/tmp/kcore") == "0\n");
  CHECK(ReadWhole(r.path() + "/tmp/keys").empty());
  CHECK(ReadWhole(r.path() + "/tmp/firmware").empty());
  CHECK(ReadWhole(r.path() + "/tmp/cgroup").empty());  // none of the host's cgroup mounts
  CHECK(ReadWhole(r.path() + "/tmp/dev") ==
        "fd\nfull\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n");
  // /proc/sys, /sys (and /proc/sysrq-trigger where the kernel has it) are read-only; the root and /dev
  // are nodev.
  std::ifstream in(r.path() + "/tmp/mountinfo");
  int checked = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point, opts;
    fields >> id >> parent >> dev >> root >> point >> opts;
    INFO(line);
    if (point == "/proc/sys" || point == "/sys" || point == "/proc/sysrq-trigger") {
      CHECK(opts.rfind("ro", 0) == 0);
      if (point != "/proc/sysrq-trigger") ++checked;
    }
    if (point == "/" || point == "/dev") {
      CHECK(opts.find("nodev") != std::string::npos);
      ++checked;
    }
  }
  CHECK(checked == 4);
  for (const auto& path : SandboxMaskedPaths()) CHECK((path.rfind("/proc/", 0) == 0 || path.rfind("/sys/", 0) == 0));
}

TEST_CASE("the seccomp filter refuses kernel administration and namespace clones, and allows the rest") {
  for (const char* name : {"mount", "umount2", "pivot_root", "kexec_load", "kexec_file_load", "open_by_handle_at",
                           "init_module", "finit_module", "delete_module", "bpf", "perf_event_open", "keyctl",
                           "add_key", "request_key", "ptrace", "reboot", "swapon", "swapoff", "settimeofday",
                           "clock_settime", "adjtimex", "acct", "quotactl", "lookup_dcookie", "userfaultfd",
                           "unshare", "setns", "clone3", "syslog", "nfsservctl", "vhangup", "iopl", "ioperm",
                           "name_to_handle_at", "fsopen", "fsmount", "move_mount", "open_tree", "fspick"}) {
    auto refused = SeccompRefusedCalls(kDefaultCapabilities);
    INFO(name);
    CHECK(std::count(refused.begin(), refused.end(), name) == 1);
  }
  auto with_admin = SeccompRefusedCalls(kDefaultCapabilities | CapBit(21));
  CHECK(std::count(with_admin.begin(), with_admin.end(), "mount") == 0);    // SYS_ADMIN unlocks it, as docker
  CHECK(std::count(with_admin.begin(), with_admin.end(), "keyctl") == 1);   // nothing does

  auto program = BuildSeccompProgram(kDefaultCapabilities);
  REQUIRE(program.ok());
  // In a child: the filter, then each call's errno (0 for success) written to a pipe.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !LoadSeccompProgram(*program).empty()) ::_exit(99);
    auto report = [&](long rc) {
      int err = rc < 0 ? errno : 0;
      (void)!::write(fds[1], &err, sizeof err);
    };
    auto cloned = [&](long rc) {
      if (rc == 0) ::_exit(0);  // the filter let it through: the new child must not go on
      report(rc);
    };
    cloned(::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
    cloned(::syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0));
    clone_args args = {};
    args.exit_signal = SIGCHLD;
    cloned(::syscall(SYS_clone3, &args, sizeof args));
    report(::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr));
    report(::syscall(SYS_keyctl, 0, 0, 0, 0, 0));
    report(::mount("none", "/", "tmpfs", 0, nullptr));
    report(::personality(0x0040000));     // ADDR_NO_RANDOMIZE: unusual
    report(::personality(0xffffffff));    // the query: allowed
    pid_t child = ::fork();               // plain fork: allowed
    if (child == 0) ::_exit(0);
    report(child);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::vector<int> errs;
  int err;
  while (::read(fds[0], &err, sizeof err) == sizeof err) errs.push_back(err);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(errs == std::vector<int>{EPERM, EPERM, ENOSYS, EPERM, EPERM, EPERM, EPERM, 0, 0});
}

}  // namespace hoist::container
