#pragma once
// RUN --mount, as BuildKit spells it: comma-separated KEY=VALUE attributes.
//   type=bind (default)  source (in the context, or `from` a stage or image), target, rw
//   type=cache           target, id (default: target), sharing=shared|private|locked, mode, uid, gid,
//                        from/source (ignored seed, refused); kept under the store, never in the image
//   type=tmpfs           target, size
//   type=secret          id (default: target's base name), target (default /run/secrets/ID), env,
//                        required, mode (default 0400), uid, gid; from `hoist build --secret`
//   type=ssh             id (default "default"), target (default /run/buildkit/ssh_agent.0),
//                        required; the agent socket from `hoist build --ssh`; sets SSH_AUTH_SOCK
// Each error names the attribute that is wrong.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"

namespace hoist::builder {

struct RunMount {
  enum class Type { kBind, kCache, kTmpfs, kSecret, kSsh };
  Type type = Type::kBind;
  std::string target;      // absolute in the container ("" for a secret read only through env)
  std::string source;      // bind: a path in the context or the `from` tree ("" = its root)
  std::string from;        // bind: a stage name or index, or an image; "" for the context
  std::string id;          // cache, secret, ssh
  std::string env;         // secret: also (or only) expose it as this environment variable
  bool read_only = false;  // bind: read-only unless rw; cache: rw unless readonly
  std::string sharing = "shared";
  std::optional<mode_t> mode;
  uid_t uid = 0;
  gid_t gid = 0;
  bool required = false;
  uint64_t tmpfs_size = 0;  // 0: the kernel's default
  // The spec as it enters the step's cache key and history (a secret's value never does).
  std::string canonical;
};

// Parses one --mount value; `workdir` makes a relative target absolute, as BuildKit does.
Result<RunMount> ParseRunMount(const std::string& spec, const std::string& workdir);

}  // namespace hoist::builder
