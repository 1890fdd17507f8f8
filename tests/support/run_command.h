#pragma once
// Runs a program the way a user's shell would and captures what it printed and its exit code.

#include <string>
#include <vector>

namespace hoist::testing {

struct CommandResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// argv[0] is looked up in PATH unless it contains '/'. `env` entries ("K=V") are added to the
// environment; `stdin_data` is fed to the program's stdin.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                         const std::string& stdin_data = "");

// Runs the hoist binary under test with the given arguments.
CommandResult RunHoist(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                       const std::string& stdin_data = "");

}  // namespace hoist::testing
