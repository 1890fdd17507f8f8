#pragma once
// The container flags `hoist run` shares with docker's: -v/--volume, --mount, --tmpfs, -e/--env,
// --env-file, parsed into the sandbox's terms (container/sandbox.h, container/volumes.h).

#include <string>
#include <vector>

#include "container/sandbox_mounts.h"
#include "container/volumes.h"
#include "core/error.h"

namespace hoist::tools {

// What the mount flags asked for: the mounts in order, and the named volumes among them.
struct RunMounts {
  std::vector<container::SandboxMount> mounts;
  std::vector<std::string> volumes;
};

// -v HOST:CTR[:ro|rw], -v NAME:CTR[:ro|rw] (a named volume, created when missing) or -v CTR (an
// anonymous volume). A missing HOST directory is created, as docker's -v does.
Status AddVolumeFlag(const std::string& spec, container::VolumeStore& volumes, RunMounts& out);
// --mount type=bind|volume|tmpfs,source=…,target=…[,readonly][,tmpfs-size=…][,tmpfs-mode=…]
Status AddMountFlag(const std::string& spec, container::VolumeStore& volumes, RunMounts& out);
// --tmpfs CTR[:OPTIONS]
Status AddTmpfsFlag(const std::string& spec, RunMounts& out);

// The lines of an --env-file: KEY=VALUE, or KEY alone for our value; blank lines and # comments
// skipped, as docker reads them.
Result<std::vector<std::string>> ReadEnvFile(const std::string& path);

// Image Env overridden by `flags`, key by key; "KEY" alone passes our value of KEY (docker's rule).
std::vector<std::string> MergeEnv(std::vector<std::string> env, const std::vector<std::string>& flags);

}  // namespace hoist::tools
