#pragma once
// What the container commands (logs, stop, start, kill, wait, exec, diff) share: their container
// found by name, id or id prefix, and signal names as docker spells them.

#include <string>

#include "container/containers.h"
#include "store/oci_layout.h"
#include "tools/command.h"

namespace hoist::tools {

struct FoundContainer {
  store::OciLayout layout;
  container::ContainerRecord record;
};

// Opens the store and finds `name` in it; kNotFound (exit 3) names `hoist ps -a`.
Result<FoundContainer> FindContainerArg(CommandContext& ctx, const std::string& name);

// "TERM", "SIGTERM", "sigterm" or "15" → 15; a usage error naming the flag otherwise.
Result<int> ParseSignal(const std::string& text, const std::string& flag);

}  // namespace hoist::tools
