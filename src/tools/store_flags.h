#pragma once
// How commands reach the local store: --store, else $HOIST_STORE, else the XDG default.

#include <string>

#include "core/reference.h"
#include "store/oci_layout.h"
#include "tools/command.h"

namespace hoist::tools {

std::string StorePath(const CommandContext& ctx);

enum class StoreAccess {
  kRead,   // the store must exist (kNotFound otherwise)
  kWrite,  // created when missing
};
Result<store::OciLayout> OpenStore(const CommandContext& ctx, StoreAccess access);

// Whether a store exists at the command's store path (read-only commands show an empty store
// rather than fail when there is none yet).
bool StoreExists(const CommandContext& ctx);

// A reference to a name in the store. "docker://…" and other transports are refused with a hint,
// since these commands work on the local store only.
Result<Reference> ParseStoreReference(const std::string& text);
// The same refusal for arguments that may also be image IDs (rmi, inspect, history).
Status RefuseTransport(const std::string& text);

}  // namespace hoist::tools
