#include "container/sandbox_seccomp.h"

#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "container/unique_fd.h"

namespace hoist::container {

namespace {

constexpr CapabilitySet kNoCap = 0;  // nothing unlocks the call

// One refused system call and the capabilities (any of them) that unlock it, as in docker's
// default profile (moby profiles/seccomp/default.json).
struct RefusedCall {
  const char* name;
  CapabilitySet unlocked_by;
  int error = EPERM;
};

constexpr CapabilitySet kAdmin = CapBit(CAP_SYS_ADMIN);

constexpr RefusedCall kRefused[] = {
    // Mounts and namespaces: the container's view of the system.
    {"mount", kAdmin}, {"umount", kAdmin}, {"umount2", kAdmin}, {"pivot_root", kAdmin},
    {"fsopen", kAdmin}, {"fsconfig", kAdmin}, {"fsmount", kAdmin}, {"fspick", kAdmin},
    {"move_mount", kAdmin}, {"open_tree", kAdmin}, {"mount_setattr", kAdmin},
    {"unshare", kAdmin}, {"setns", kAdmin},
    {"clone3", kAdmin, ENOSYS},  // ENOSYS: libc falls back to clone, whose flags the filter checks
    // The kernel's administration.
    {"swapon", kAdmin}, {"swapoff", kAdmin}, {"quotactl", kAdmin}, {"quotactl_fd", kAdmin},
    {"lookup_dcookie", kAdmin}, {"fanotify_init", kAdmin}, {"name_to_handle_at", kAdmin},
    {"bpf", kAdmin | CapBit(CAP_BPF)}, {"perf_event_open", kAdmin | CapBit(CAP_PERFMON)},
    {"reboot", CapBit(CAP_SYS_BOOT)}, {"kexec_load", CapBit(CAP_SYS_BOOT)}, {"kexec_file_load", CapBit(CAP_SYS_BOOT)},
    {"init_module", CapBit(CAP_SYS_MODULE)}, {"finit_module", CapBit(CAP_SYS_MODULE)},
    {"delete_module", CapBit(CAP_SYS_MODULE)},
    {"settimeofday", CapBit(CAP_SYS_TIME)}, {"clock_settime", CapBit(CAP_SYS_TIME)},
    {"adjtimex", CapBit(CAP_SYS_TIME)}, {"clock_adjtime", CapBit(CAP_SYS_TIME)}, {"stime", CapBit(CAP_SYS_TIME)},
    {"acct", CapBit(CAP_SYS_PACCT)}, {"syslog", CapBit(CAP_SYSLOG)}, {"vhangup", CapBit(CAP_SYS_TTY_CONFIG)},
    {"iopl", CapBit(CAP_SYS_RAWIO)}, {"ioperm", CapBit(CAP_SYS_RAWIO)},
    {"open_by_handle_at", CapBit(CAP_DAC_READ_SEARCH)},
    {"mbind", CapBit(CAP_SYS_NICE)}, {"set_mempolicy", CapBit(CAP_SYS_NICE)},
    {"migrate_pages", CapBit(CAP_SYS_NICE)}, {"move_pages", CapBit(CAP_SYS_NICE)},
    // Other processes' memory.
    {"ptrace", CapBit(CAP_SYS_PTRACE)}, {"process_vm_readv", CapBit(CAP_SYS_PTRACE)},
    {"process_vm_writev", CapBit(CAP_SYS_PTRACE)}, {"kcmp", CapBit(CAP_SYS_PTRACE)},
    {"pidfd_getfd", CapBit(CAP_SYS_PTRACE)}, {"userfaultfd", CapBit(CAP_SYS_PTRACE)},
    // Not namespaced, obsolete or a large attack surface: refused whatever the capabilities.
    {"keyctl", kNoCap}, {"add_key", kNoCap}, {"request_key", kNoCap}, {"nfsservctl", kNoCap},
    {"uselib", kNoCap}, {"_sysctl", kNoCap}, {"sysfs", kNoCap}, {"ustat", kNoCap}, {"vm86", kNoCap},
    {"vm86old", kNoCap}, {"create_module", kNoCap}, {"get_kernel_syms", kNoCap}, {"query_module", kNoCap},
    {"io_uring_setup", kNoCap}, {"io_uring_enter", kNoCap}, {"io_uring_register", kNoCap},  // as docker 25
};

// clone flags that make a namespace (CLONE_NEWTIME shares its bit with clone's exit signal).
constexpr uint64_t kNamespaceFlags[] = {CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,   CLONE_NEWUSER,
                                        CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};

// personality(2) values docker allows: Linux (0), Linux32 (0x8), UNAME26 (0x20000) with either, and
// the query 0xffffffff. libseccomp allows one comparison per argument in a rule, so the refusal is
// spelt as masked comparisons, any of which refuses (see AddPersonalityRules).
constexpr uint64_t kPersonalityBits = 0x20008;
constexpr uint64_t kPersonalityQuery = 0xffffffff;

bool Unlocked(const RefusedCall& call, CapabilitySet caps) { return (call.unlocked_by & caps) != 0; }

class FilterContext {
 public:
  FilterContext() : ctx_(seccomp_init(SCMP_ACT_ALLOW)) {}
  ~FilterContext() {
    if (ctx_ != nullptr) seccomp_release(ctx_);
  }
  FilterContext(const FilterContext&) = delete;
  FilterContext& operator=(const FilterContext&) = delete;
  scmp_filter_ctx get() const { return ctx_; }

 private:
  scmp_filter_ctx ctx_;
};

Error SeccompError(const std::string& what, int rc) {
  return Internal("seccomp filter: " + what + ": " + std::strerror(-rc));
}

// One argument comparison with every field set (libseccomp's SCMP_A0 macros leave datum_b to the
// compiler, which clang's -Wmissing-field-initializers refuses).
scmp_arg_cmp Arg(unsigned arg, scmp_compare op, uint64_t a, uint64_t b = 0) {
  scmp_arg_cmp c;
  c.arg = arg;
  c.op = op;
  c.datum_a = a;
  c.datum_b = b;
  return c;
}

// Adds `action` for `name` under `conditions`. A call this machine's kernel interface does not
// know (iopl on arm64, say) is skipped; libseccomp resolves names per architecture.
Status AddRule(scmp_filter_ctx ctx, uint32_t action, const char* name, std::vector<scmp_arg_cmp> conditions = {}) {
  int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) return Ok();
  int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conditions.size()),
                                  conditions.empty() ? nullptr : conditions.data());
  if (rc != 0 && nr >= 0) return SeccompError(std::string("refuse ") + name, rc);
  return Ok();
}

// Refuses every personality but docker's five values: above 32 bits; with bit 31 clear, any bit
// other than 0x20008 set; with bit 31 set, any value but the query (its highest clear bit k under
// all-ones bits 31..k+1).
Status AddPersonalityRules(scmp_filter_ctx ctx) {
  const uint32_t refuse = SCMP_ACT_ERRNO(EPERM);
  HOIST_TRY(AddRule(ctx, refuse, "personality", {Arg(0, SCMP_CMP_GT, kPersonalityQuery)}));
  for (int bit = 0; bit < 31; ++bit) {
    const uint64_t b = uint64_t{1} << bit;
    if (b & kPersonalityBits) continue;
    HOIST_TRY(AddRule(ctx, refuse, "personality", {Arg(0, SCMP_CMP_MASKED_EQ, b | 0x80000000, b)}));
  }
  for (int k = 0; k < 31; ++k) {
    const uint64_t mask = (kPersonalityQuery << k) & kPersonalityQuery;  // bits 31..k
    const uint64_t high = (kPersonalityQuery << (k + 1)) & kPersonalityQuery;  // bits 31..k+1
    HOIST_TRY(AddRule(ctx, refuse, "personality", {Arg(0, SCMP_CMP_MASKED_EQ, mask, high)}));
  }
  return Ok();
}

Status AddRules(scmp_filter_ctx ctx, CapabilitySet caps) {
  for (const auto& call : kRefused) {
    if (!Unlocked(call, caps)) HOIST_TRY(AddRule(ctx, SCMP_ACT_ERRNO(call.error), call.name));
  }
  if (!(caps & kAdmin)) {
    // The flags are clone's first argument, except on s390 where they come second.
    const uint32_t arch = seccomp_arch_native();
    const unsigned arg = (arch == SCMP_ARCH_S390 || arch == SCMP_ARCH_S390X) ? 1 : 0;
    for (uint64_t flag : kNamespaceFlags) {
      HOIST_TRY(AddRule(ctx, SCMP_ACT_ERRNO(EPERM), "clone", {Arg(arg, SCMP_CMP_MASKED_EQ, flag, flag)}));
    }
  }
  HOIST_TRY(AddPersonalityRules(ctx));
  // Typing into the terminal's input queue: `hoist run -t` shares the caller's terminal, so a
  // command could otherwise type commands for the caller's shell to run after it exits.
  for (uint64_t request : {uint64_t{TIOCSTI}, uint64_t{TIOCLINUX}}) {
    HOIST_TRY(AddRule(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", {Arg(1, SCMP_CMP_MASKED_EQ, 0xffffffff, request)}));
  }
  return Ok();
}

}  // namespace

std::vector<std::string> SeccompRefusedCalls(CapabilitySet caps) {
  std::vector<std::string> names;
  for (const auto& call : kRefused) {
    if (!Unlocked(call, caps)) names.emplace_back(call.name);
  }
  return names;
}

Result<SeccompProgram> BuildSeccompProgram(CapabilitySet caps) {
  FilterContext ctx;
  if (ctx.get() == nullptr) return Internal("seccomp filter: libseccomp could not start a filter");
  // docker's profile covers the 32-bit ABIs of x86-64 too: a 32-bit program meets the same rules.
  if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
    for (uint32_t arch : {SCMP_ARCH_X86, SCMP_ARCH_X32}) {
      int rc = seccomp_arch_add(ctx.get(), arch);
      if (rc != 0 && rc != -EEXIST) return SeccompError("add a 32-bit architecture", rc);
    }
  }
  HOIST_TRY(AddRules(ctx.get(), caps));
  UniqueFd mem(::memfd_create("hoist-seccomp", MFD_CLOEXEC));
  if (!mem.valid()) return ErrnoError("seccomp filter: create a memory file", errno);
  int rc = seccomp_export_bpf(ctx.get(), mem.get());
  if (rc != 0) return SeccompError("compile", rc);
  off_t size = ::lseek(mem.get(), 0, SEEK_END);
  if (size <= 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0) {
    return Internal("seccomp filter: libseccomp produced a program of " + std::to_string(size) + " bytes");
  }
  SeccompProgram program;
  program.instructions.resize(static_cast<size_t>(size) / sizeof(sock_filter));
  if (::pread(mem.get(), program.instructions.data(), static_cast<size_t>(size), 0) != size) {
    return ErrnoError("seccomp filter: read the compiled program", errno);
  }
  return program;
}

std::string LoadSeccompProgram(const SeccompProgram& program) {
  sock_fprog prog = {};
  prog.len = static_cast<unsigned short>(program.instructions.size());
  prog.filter = const_cast<sock_filter*>(program.instructions.data());
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
    return std::string("load the seccomp filter: ") + std::strerror(errno);
  }
  return "";
}

}  // namespace hoist::container
