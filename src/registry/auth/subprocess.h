#pragma once
// Runs a program found on PATH with data on its stdin and collects its output, with a deadline
// and a bound on what is read. Used for credential helpers.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::registry {

struct SubprocessResult {
  int exit_status = 0;     // exit code, or 128 + signal number
  std::string out;         // all of stdout (at most max_output bytes)
  std::string err;         // the first few KiB of stderr
};

// argv[0] is looked up on PATH. Errors: kNotFound when the program is not on PATH, kTimeout when it
// does not finish in time (it is then killed), kTooLarge when stdout exceeds max_output, kIO otherwise.
Result<SubprocessResult> RunSubprocess(const std::vector<std::string>& argv, std::string_view input,
                                       std::chrono::milliseconds timeout, size_t max_output);

}  // namespace hoist::registry
