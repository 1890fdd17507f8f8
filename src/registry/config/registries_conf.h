#pragma once
// The insecure registries a containers registries.conf (containers/image's format, TOML) names:
//   v2: [[registry]] tables with location = "host[:port]" (or prefix = ...) and insecure = true;
//   v1: [registries.insecure] registries = ["host[:port]", ...].
// Every other key (mirrors, aliases, search registries, short-name mode) is read and ignored.
// An entry with a path ("host/team", v1 or v2) is ignored: hoist decides TLS per host.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::registry {

// One registries.conf file may be at most this large.
inline constexpr size_t kMaxRegistriesConfSize = 1 << 20;

struct InsecureSetting {
  std::string host;  // "host", "host:port" or "*.domain"
  bool insecure = false;
};

// In file order; a v2 entry without `insecure` says false, so a later drop-in file can turn an
// earlier true off (as in containers/image, where a later entry for a prefix replaces it).
Result<std::vector<InsecureSetting>> ParseRegistriesConf(std::string_view text, std::string_view file);

}  // namespace hoist::registry
