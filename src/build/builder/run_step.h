#pragma once
// RUN: the command through the sandbox (build/sandbox.h) in the stage's root, with the stage's
// environment, user and working directory; its output streamed to the progress stream (with -q
// kept aside and shown only when the command fails). A non-zero exit is an error naming the
// instruction, its file:line and the exit code.

#include <cstdio>
#include <string>
#include <vector>

#include "build/dockerfile/dockerfile.h"
#include "build/sandbox.h"
#include "core/error.h"

namespace hoist::build::builder {

struct RunCommand {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string working_dir = "/";
  std::string user;
  SandboxOptions::Network network = SandboxOptions::Network::kHost;
};

// RUN's argv from its shell or exec form (a heredoc as the whole command is the script).
std::vector<std::string> RunArgv(const dockerfile::Instruction& ins, const std::vector<std::string>& shell);

// --network=default|host|none (default: the host's, as `hoist run`). Other RUN flags (--mount,
// --security) are refused with the instruction's location.
Result<SandboxOptions::Network> RunNetwork(const dockerfile::Instruction& ins);

Status ExecuteRun(const dockerfile::Instruction& ins, const std::string& rootfs, const RunCommand& command,
                  std::FILE* output, bool quiet, const std::string& scratch_dir);

}  // namespace hoist::build::builder
