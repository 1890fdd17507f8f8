#pragma once
// Where registries the user allows plain http (and unverified TLS) for are listed, besides
// --insecure-registry. Read once per command, in this order (later sources add, and a later
// registries.conf file can turn an earlier entry off):
//   1. ${XDG_CONFIG_HOME:-~/.config}/hoist/config.json: {"insecure-registries": ["host[:port]", ...]}
//      (the key of docker's daemon.json);
//   2. containers' registries.conf, found as containers/image finds it: $CONTAINERS_REGISTRIES_CONF,
//      else ~/.config/containers/registries.conf when it exists, else /etc/containers/registries.conf;
//      then the drop-in *.conf files of /etc/containers/registries.conf.d ($HOIST_REGISTRIES_CONF_D
//      replaces it; not read when the user file is used) and ~/.config/containers/registries.conf.d,
//      each directory in name order;
//   3. $HOIST_INSECURE_REGISTRIES: a comma-separated list, for scripts.
// Missing files are fine; a malformed one is an error naming FILE:LINE.

#include <string>
#include <vector>

#include "core/error.h"

namespace hoist::registry {

// A hoist config.json may be at most this large.
inline constexpr size_t kMaxHoistConfigSize = 1 << 20;
// A registries.conf.d directory may hold at most this many *.conf files.
inline constexpr size_t kMaxRegistriesConfDropIns = 256;

struct InsecureSources {
  std::string env_list;                        // $HOIST_INSECURE_REGISTRIES
  std::string hoist_config;                    // empty: none
  std::string registries_conf;                 // empty: none
  std::vector<std::string> registries_conf_dirs;

  // The paths above, from $HOME, $XDG_CONFIG_HOME, $CONTAINERS_REGISTRIES_CONF,
  // $HOIST_REGISTRIES_CONF_D and $HOIST_INSECURE_REGISTRIES.
  static InsecureSources FromEnvironment();
};

// "host", "host:port" or "*.domain" entries, in source order, without duplicates.
Result<std::vector<std::string>> LoadInsecureRegistries(const InsecureSources& sources);

// The user's hoist config file: ${XDG_CONFIG_HOME:-$HOME/.config}/hoist/config.json.
std::string HoistConfigPath();

}  // namespace hoist::registry
