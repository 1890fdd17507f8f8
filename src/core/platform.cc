#include "core/platform.h"

#include <sys/utsname.h>

#include <cctype>

#include "core/ascii.h"
#include "core/spec_json.h"

namespace hoist {

namespace {

bool ValidComponent(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<Platform> Platform::Parse(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  auto bad = [&](std::string why) {
    return InvalidArgument("invalid platform " + spec_json::Quote(text) + ": " + why);
  };
  if (parts.size() < 2 || parts.size() > 3) return bad("expected OS/ARCH[/VARIANT], e.g. linux/arm64/v8");
  for (auto p : parts) {
    if (!ValidComponent(p)) {
      return bad("each part must be non-empty and use only letters, digits, '.', '_' or '-'");
    }
  }
  Platform p;
  p.os = std::string(parts[0]);
  p.architecture = std::string(parts[1]);
  if (parts.size() == 3) p.variant = std::string(parts[2]);
  return p;
}

std::string Platform::str() const {
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

Platform Platform::Normalized() const {
  Platform p = *this;
  p.os = AsciiLower(p.os);
  p.architecture = AsciiLower(p.architecture);
  p.variant = AsciiLower(p.variant);
  if (p.os == "macos") p.os = "darwin";
  std::string& arch = p.architecture;
  std::string& var = p.variant;
  if (arch == "i386" || arch == "i486" || arch == "i586" || arch == "i686") {
    arch = "386";
    var.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (var == "v1" || var == "1") var.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (var.empty() || var == "8" || var == "v8.0" || var == "8.0") var = "v8";
  } else if (arch == "armhf") {
    arch = "arm";
    var = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    var = "v6";
  } else if (arch == "arm") {
    if (var.empty()) var = "v7";
  }
  // "7" → "v7", as uname-derived or hand-written variants often omit the "v".
  if (!var.empty() && std::isdigit(static_cast<unsigned char>(var[0]))) var = "v" + var;
  return p;
}

bool Platform::Matches(const Platform& want) const {
  Platform have = Normalized();
  Platform w = want.Normalized();
  if (have.os != w.os || have.architecture != w.architecture) return false;
  // A variant the user did not name is not a constraint, even if normalisation supplied one.
  if (!want.variant.empty() && have.variant != w.variant) return false;
  if (!w.os_version.empty() && have.os_version != w.os_version) return false;
  return true;
}

Platform Platform::Host() {
  Platform p;
#if defined(__linux__)
  p.os = "linux";
#elif defined(__APPLE__)
  p.os = "darwin";
#elif defined(__FreeBSD__)
  p.os = "freebsd";
#else
  p.os = "unknown";
#endif
  struct utsname u {};
  if (::uname(&u) == 0) {
    std::string machine = u.machine;
    // uname says armv7l / armv6l; the variant is in the name.
    if (machine.rfind("armv", 0) == 0 && machine.size() >= 5) {
      p.architecture = "arm";
      p.variant = std::string(1, machine[4]);
    } else {
      p.architecture = machine;
    }
  } else {
#if defined(__x86_64__)
    p.architecture = "amd64";
#elif defined(__aarch64__)
    p.architecture = "arm64";
#else
    p.architecture = "unknown";
#endif
  }
  return p.Normalized();
}

Result<Platform> PlatformFromJson(const nlohmann::ordered_json& j, std::string_view path) {
  using namespace spec_json;
  if (!j.is_object()) return FieldError(path, "must be an object, got " + TypeName(j));
  Platform p;
  HOIST_TRY_ASSIGN(p.os, GetString(j, "os", path, true));
  HOIST_TRY_ASSIGN(p.architecture, GetString(j, "architecture", path, true));
  if (p.os.empty()) return FieldError(Join(path, "os"), "must not be empty");
  if (p.architecture.empty()) return FieldError(Join(path, "architecture"), "must not be empty");
  HOIST_TRY_ASSIGN(p.variant, GetString(j, "variant", path, false));
  HOIST_TRY_ASSIGN(p.os_version, GetString(j, "os.version", path, false));
  HOIST_TRY_ASSIGN(p.os_features, GetStringArray(j, "os.features", path));
  return p;
}

nlohmann::ordered_json ToJson(const Platform& p) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["architecture"] = p.architecture;
  j["os"] = p.os;
  if (!p.os_version.empty()) j["os.version"] = p.os_version;
  if (!p.os_features.empty()) j["os.features"] = p.os_features;
  if (!p.variant.empty()) j["variant"] = p.variant;
  return j;
}

}  // namespace hoist
