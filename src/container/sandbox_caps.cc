#include "container/sandbox_caps.h"
#include "container/child_status.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace hoist::container {

namespace {

// Capability numbers are the kernel's (linux/capability.h); the names are docker's without CAP_.
constexpr const char* kNames[] = {
    "CHOWN",           "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",        "FSETID",        "KILL",
    "SETGID",          "SETUID",       "SETPCAP",         "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
    "NET_ADMIN",       "NET_RAW",      "IPC_LOCK",        "IPC_OWNER",     "SYS_MODULE",    "SYS_RAWIO",
    "SYS_CHROOT",      "SYS_PTRACE",   "SYS_PACCT",       "SYS_ADMIN",     "SYS_BOOT",      "SYS_NICE",
    "SYS_RESOURCE",    "SYS_TIME",     "SYS_TTY_CONFIG",  "MKNOD",         "LEASE",         "AUDIT_WRITE",
    "AUDIT_CONTROL",   "SETFCAP",      "MAC_OVERRIDE",    "MAC_ADMIN",     "SYSLOG",        "WAKE_ALARM",
    "BLOCK_SUSPEND",   "AUDIT_READ",   "PERFMON",         "BPF",           "CHECKPOINT_RESTORE"};
constexpr int kKnownCaps = static_cast<int>(sizeof kNames / sizeof kNames[0]);
static_assert(kKnownCaps == 41, "CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40)");

constexpr CapabilitySet Defaults() {
  CapabilitySet s = 0;
  for (int c : {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID, CAP_SETUID,
                CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE}) {
    s |= CapBit(c);
  }
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "ALL" stays "ALL"; everything else loses an optional CAP_ prefix.
std::string Normalized(const std::string& name) {
  std::string n = Upper(name);
  if (n.rfind("CAP_", 0) == 0) n = n.substr(4);
  return n;
}

}  // namespace

const CapabilitySet kDefaultCapabilities = Defaults();
const CapabilitySet kAllCapabilities = (CapabilitySet{1} << kKnownCaps) - 1;

int CapabilityByName(const std::string& name) {
  const std::string n = Normalized(name);
  for (int c = 0; c < kKnownCaps; ++c) {
    if (n == kNames[c]) return c;
  }
  return -1;
}

std::string CapabilityName(int cap) {
  if (cap >= 0 && cap < kKnownCaps) return std::string("CAP_") + kNames[cap];
  return "CAP_" + std::to_string(cap);
}

Result<CapabilitySet> ApplyCapabilityFlags(CapabilitySet base, const std::vector<std::string>& add,
                                           const std::vector<std::string>& drop) {
  auto parse = [](const std::vector<std::string>& names, const char* flag, bool& all) -> Result<CapabilitySet> {
    CapabilitySet set = 0;
    for (const auto& name : names) {
      if (Normalized(name) == "ALL") {
        all = true;
        continue;
      }
      int cap = CapabilityByName(name);
      if (cap < 0) {
        return InvalidArgument(std::string(flag) + ": unknown capability \"" + name +
                          "\" (names as in capabilities(7), with or without CAP_, or ALL)");
      }
      set |= CapBit(cap);
    }
    return set;
  };
  bool add_all = false, drop_all = false;
  HOIST_TRY_ASSIGN(CapabilitySet adds, parse(add, "--cap-add", add_all));
  HOIST_TRY_ASSIGN(CapabilitySet drops, parse(drop, "--cap-drop", drop_all));
  if (add_all) return kAllCapabilities & ~drops;
  if (drop_all) return adds;
  return (base & ~drops) | adds;
}

std::string DropBoundingCapabilities(CapabilitySet keep) {
  // Up to the kernel's last capability: PR_CAPBSET_READ answers EINVAL past it.
  for (int cap = 0; cap < 64; ++cap) {
    int in_set = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_set < 0) break;
    if (in_set == 0 || (cap < kKnownCaps && (keep & CapBit(cap)))) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return Errno("drop " + CapabilityName(cap) + " from the bounding set");
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return Errno("clear the ambient capabilities");
  }
  return "";
}

std::string LimitCapabilities(CapabilitySet keep) {
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return Errno("read the capabilities");
  const CapabilitySet permitted = (CapabilitySet{data[1].permitted} << 32 | data[0].permitted) & keep;
  for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; ++i) {
    data[i].permitted = static_cast<uint32_t>(permitted >> (32 * i));
    data[i].effective = data[i].permitted;
    data[i].inheritable = 0;
  }
  if (::syscall(SYS_capset, &header, data) != 0) return Errno("set the capabilities");
  return "";
}

}  // namespace hoist::container
