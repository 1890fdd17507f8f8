#pragma once
// The environment a container's process starts with, as docker builds it: the image's and the
// user's variables, then PATH, HOSTNAME, HOME and TERM defaults for the ones not given.

#include <optional>
#include <string>
#include <vector>

namespace hoist::container {

struct ContainerEnvDefaults {
  std::string home;                     // the user's home directory (HOME)
  std::optional<std::string> hostname;  // HOSTNAME, where the process starts a container
  bool tty = false;                     // TERM=xterm when a terminal is attached
};

// `given` entries without '=' are dropped (a name alone means "from the host", which has no meaning here).
std::vector<std::string> ContainerEnv(const std::vector<std::string>& given, const ContainerEnvDefaults& defaults);

}  // namespace hoist::container
