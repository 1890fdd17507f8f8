#include "container/sandbox_masks.h"
#include "container/child_status.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hoist::container {

namespace {

constexpr const char* kMasked[] = {
    "/proc/asound",     "/proc/acpi",    "/proc/kcore",       "/proc/keys",        "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",    "/sys/firmware",
    "/sys/devices/virtual/powercap"};

constexpr const char* kReadOnly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

std::string Mask(const char* path) {
  struct stat st;
  if (::lstat(path, &st) != 0) return errno == ENOENT ? "" : Errno(std::string("stat ") + path);
  int rc = S_ISDIR(st.st_mode) ? ::mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0")
                               : ::mount("/dev/null", path, nullptr, MS_BIND, nullptr);
  if (rc != 0) return Errno(std::string("mask ") + path);
  return "";
}

std::string MakeReadOnly(const char* path) {
  if (::access(path, F_OK) != 0) return "";
  if (::mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0) return Errno(std::string("bind ") + path);
  if (::mount(nullptr, path, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | LockedMountFlags(path), nullptr) != 0) {
    return Errno(std::string("make ") + path + " read-only");
  }
  return "";
}

}  // namespace

unsigned long LockedMountFlags(const char* path) {
  struct statvfs sv;
  if (::statvfs(path, &sv) != 0) return 0;
  unsigned long flags = 0;
  if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

std::vector<std::string> SandboxMaskedPaths() { return {std::begin(kMasked), std::end(kMasked)}; }
std::vector<std::string> SandboxReadOnlyPaths() { return {std::begin(kReadOnly), std::end(kReadOnly)}; }

std::string MaskKernelFiles() {
  for (const char* path : kMasked) {
    std::string err = Mask(path);
    if (!err.empty()) return err;
  }
  for (const char* path : kReadOnly) {
    std::string err = MakeReadOnly(path);
    if (!err.empty()) return err;
  }
  return "";
}

}  // namespace hoist::container
