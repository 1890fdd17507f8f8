#pragma once
// `hoist build`'s flags with buildx's KEY=VALUE spellings: --secret, --ssh, and
// --cache-to/--cache-from VALUE: where an exported step cache goes or comes from, in
// buildx's spellings and hoist's own:
//   type=registry,ref=REF[,mode=max|min]   a registry (docker://REF)
//   type=local,dest=DIR / type=local,src=DIR   an OCI layout directory (its "buildcache" entry)
//   docker://REF, oci:DIR[:NAME], oci-archive:FILE[:NAME]   a hoist location
//   REF                                    a registry reference, as buildx's shorthand
// `mode` is accepted and ignored: hoist always exports every step the build used (mode=max).

#include <string>

#include "builder/build_options.h"
#include "core/error.h"
#include "tools/command.h"
#include "transfer/location.h"

namespace hoist::tools {

// --secret id=ID[,src=FILE|source=FILE][,env=VAR][,type=file|env]; a bare id=ID reads $ID, as buildx.
Result<std::pair<std::string, builder::BuildOptions::Secret>> ParseSecretFlag(const std::string& value);

// --ssh ID[=SOCKET] ("default" alone: $SSH_AUTH_SOCK).
Result<std::pair<std::string, std::string>> ParseSshFlag(const std::string& value);

// --timestamp SECONDS (build, commit), else SOURCE_DATE_EPOCH when set, else none.
Result<std::optional<int64_t>> TimestampFlag(const CommandContext& ctx);

// `to` is true for --cache-to (type=local takes dest=), false for --cache-from (src=). Usage errors
// name the flag and the part that is wrong.
Result<transfer::Location> ParseCacheLocation(const std::string& value, bool to);

}  // namespace hoist::tools
