#pragma once
// RUN --mount made real for one step: each parsed mount (run_mounts.h) turned into a sandbox mount
// over a host path: the context or another tree for bind (a copy when rw, so the step cannot write
// into the context), a directory under the store for cache, a tmpfs, a secret written to a 0400
// file in the step's scratch directory, an ssh agent socket. Mount points the root lacked are
// removed after the step, so they leave nothing in its layer (as BuildKit).

#include <sys/stat.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "builder/build_options.h"
#include "builder/run_mounts.h"
#include "builder/source_paths.h"
#include "container/root_dir.h"
#include "container/sandbox_mounts.h"
#include "container/unique_fd.h"
#include "core/error.h"

namespace hoist::builder {

// The host directory of a bind mount's `from` ("" = the build context), and what identifies its
// content for the cache key.
struct MountTree {
  SourceTree tree;
  std::string id;  // the context: "" (the mounted source is hashed); a stage: its chain; an image: its digest
};
using MountTreeResolver = std::function<Result<MountTree>(const std::string& from)>;

struct PreparedMounts {
  std::vector<container::SandboxMount> mounts;
  std::vector<std::string> env;  // SSH_AUTH_SOCK, secrets with env=: added after the cache key
  std::vector<container::UniqueFd> locks;   // sharing=locked caches, held until the step ends
};

// What the mounts add to the step's cache key: their specs and, for binds, their content (never a
// secret's value).
Result<std::string> MountsCacheId(const std::vector<RunMount>& mounts, const MountTreeResolver& resolve);

// `cache_root` is the store's CacheMountsDir(); `scratch` an empty directory of this step.
Result<PreparedMounts> PrepareRunMounts(const std::vector<RunMount>& mounts, const BuildOptions& options,
                                        const MountTreeResolver& resolve, const std::string& cache_root,
                                        const std::string& scratch);

// The topmost missing ancestor of a mount target, and its parent's times, before the step runs.
struct MissingPath {
  std::string rel;
  timespec parent_times[2];
};
std::vector<MissingPath> MissingMountPaths(const std::string& rootfs, const std::vector<RunMount>& mounts);
// Removes those paths after the step when they hold nothing but empty directories and files (the
// mount points), and gives their parents back their times, so the layer does not see them.
Status RemoveMountPaths(const std::string& rootfs, const std::vector<MissingPath>& paths);

}  // namespace hoist::builder
