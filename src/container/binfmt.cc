#include "container/binfmt.h"


#include <fstream>
#include <sstream>

#include "core/fs.h"

namespace hoist::container {

namespace {

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str().substr(0, 4096);
}

// One /proc/sys/fs/binfmt_misc/NAME file: "enabled", "interpreter PATH", "flags: PF", ….
struct Entry {
  bool enabled = false;
  std::string interpreter;
  std::string flags;
};

Entry ParseEntry(const std::string& text) {
  Entry e;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) e.enabled = line == "enabled";
    first = false;
    if (line.rfind("interpreter ", 0) == 0) e.interpreter = line.substr(12);
    if (line.rfind("flags:", 0) == 0) e.flags = line.substr(6);
  }
  return e;
}

// Debian names its entries qemu-ARCH (interpreter /usr/libexec/qemu-binfmt/ARCH-binfmt-P); other
// setups (tonistiigi/binfmt, systemd-binfmt) use qemu-ARCH or qemu-ARCH-static interpreters.
bool IsQemuFor(const std::string& name, const Entry& e, const std::string& arch) {
  if (name == "qemu-" + arch || name == "qemu-" + arch + "-static") return true;
  std::string base = e.interpreter.substr(e.interpreter.find_last_of('/') + 1);
  return base == "qemu-" + arch || base == "qemu-" + arch + "-static" || base == arch + "-binfmt-P";
}

std::string HowToGet(const std::string& arch, const std::string& dir) {
  return "install Debian's qemu-user-static (apt-get install qemu-user-static binfmt-support), which registers "
         "qemu-" + arch + " with the F flag; on a container host or where binfmt_misc is not mounted, run "
         "`mount -t binfmt_misc binfmt_misc " + dir + "` and then `update-binfmts --enable qemu-" + arch +
         "` (or register it with the F flag yourself)";
}

}  // namespace

std::string QemuArchitecture(const Platform& target, const Platform& host) {
  Platform t = target.Normalized();
  Platform h = host.Normalized();
  if (t.architecture == h.architecture) return "";
  if (t.architecture == "386" && h.architecture == "amd64") return "";
  static const std::pair<const char*, const char*> kNames[] = {
      {"amd64", "x86_64"},     {"arm64", "aarch64"}, {"arm", "arm"},         {"386", "i386"},
      {"ppc64le", "ppc64le"},  {"ppc64", "ppc64"},   {"s390x", "s390x"},     {"riscv64", "riscv64"},
      {"mips64le", "mips64el"}, {"mips64", "mips64"}, {"mipsle", "mipsel"},   {"mips", "mips"},
      {"loong64", "loongarch64"}};
  for (const auto& [go, qemu] : kNames) {
    if (t.architecture == go) return qemu;
  }
  return t.architecture;
}

Status CheckEmulation(const Platform& target, const std::string& what, const std::string& binfmt_dir,
                      const Platform& host) {
  if (target.Normalized().os != host.Normalized().os) {
    return Unsupported(what + ": programs for " + target.str() + " cannot run on " + host.Normalized().os +
                       " (only another architecture of the same OS can be emulated)");
  }
  const std::string arch = QemuArchitecture(target, host);
  if (arch.empty()) return Ok();
  const std::string head = what + " need the kernel to run " + arch + " programs through qemu-" + arch + ", but ";
  std::string status = ReadSmallFile(binfmt_dir + "/status");
  if (status.empty()) {
    return Unsupported(head + "binfmt_misc is not mounted at " + binfmt_dir + ": " + HowToGet(arch, binfmt_dir));
  }
  if (status.rfind("enabled", 0) != 0) {
    return Unsupported(head + "binfmt_misc is disabled (" + binfmt_dir + "/status): run `echo 1 > " + binfmt_dir +
                       "/status`, or " + HowToGet(arch, binfmt_dir));
  }
  auto names = ListDirNames(binfmt_dir);
  if (!names.ok()) return Unsupported(head + binfmt_dir + " cannot be read: " + HowToGet(arch, binfmt_dir));
  std::string disabled, without_f;
  bool usable = false;
  for (const std::string& name : *names) {
    if (name == "status" || name == "register") continue;
    Entry e = ParseEntry(ReadSmallFile(binfmt_dir + "/" + name));
    if (!IsQemuFor(name, e, arch)) continue;
    if (!e.enabled) {
      disabled = name;
    } else if (e.flags.find('F') == std::string::npos) {
      without_f = name;
    } else {
      usable = true;
    }
  }
  if (usable) return Ok();
  if (!without_f.empty()) {
    return Unsupported(head + "its binfmt_misc entry " + binfmt_dir + "/" + without_f +
                       " lacks the F flag (fix-binary), so the interpreter is not found inside the container: "
                       "write -1 to that file and " + HowToGet(arch, binfmt_dir));
  }
  if (!disabled.empty()) {
    return Unsupported(head + "its binfmt_misc entry " + binfmt_dir + "/" + disabled + " is disabled: run "
                       "`update-binfmts --enable " + disabled + "` (or `echo 1 > " + binfmt_dir + "/" + disabled +
                       "`)");
  }
  return Unsupported(head + binfmt_dir + " has no qemu-" + arch + " handler: " + HowToGet(arch, binfmt_dir));
}

}  // namespace hoist::container
