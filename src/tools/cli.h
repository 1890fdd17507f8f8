#pragma once
// The command-line shell: global flags, the verb, per-command flags, help and exit codes.

#include <ostream>
#include <string>
#include <vector>

namespace hoist::tools {

// Runs `hoist ARGS...` and returns the process exit code.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace hoist::tools
