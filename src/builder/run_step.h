#pragma once
// RUN: the command through the sandbox (container/sandbox.h) in the stage's root, with the stage's
// environment, user and working directory; its output streamed to the progress stream (with -q
// kept aside and shown only when the command fails). A non-zero exit is an error naming the
// instruction, its file:line and the exit code.

#include <cstdio>
#include <string>
#include <vector>

#include "builder/dockerfile/dockerfile.h"
#include "container/sandbox.h"
#include "core/error.h"

namespace hoist::builder {

struct RunCommand {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string working_dir = "/";
  std::string user;
  container::SandboxOptions::Network network = container::SandboxOptions::Network::kHost;
  bool insecure = false;  // RUN --security=insecure: the sandbox's --privileged
  std::vector<container::SandboxMount> mounts;  // RUN --mount, prepared (run_mount_setup.h)
};

// RUN's argv from its shell or exec form (a heredoc as the whole command is the script).
std::vector<std::string> RunArgv(const dockerfile::Instruction& ins, const std::vector<std::string>& shell);

// RUN's flags: --network=default|host|none (default: the host's, as `hoist run`) and
// --security=sandbox|insecure. insecure (every capability, no seccomp filter, /proc and /sys
// unmasked) is BuildKit's entitlement: refused unless the build was started with
// `--allow security.insecure`. --mount values are collected; other flags are refused with the
// instruction's location.
struct RunFlags {
  container::SandboxOptions::Network network = container::SandboxOptions::Network::kHost;
  bool insecure = false;
  std::vector<std::string> mounts;  // --mount values as written (expanded and parsed by the stage)
};
Result<RunFlags> ParseRunFlags(const dockerfile::Instruction& ins, bool allow_insecure);

// `plain_vertex` > 0: the command's output lines are shown as "#N 0.123 line" (--progress plain).
Status ExecuteRun(const dockerfile::Instruction& ins, const std::string& rootfs, const RunCommand& command,
                  std::FILE* output, bool quiet, const std::string& scratch_dir, int plain_vertex = 0);

}  // namespace hoist::builder
