#pragma once
// `hoist build --cache-to/--cache-from VALUE`: where an exported step cache goes or comes from, in
// buildx's spellings and hoist's own:
//   type=registry,ref=REF[,mode=max|min]   a registry (docker://REF)
//   type=local,dest=DIR / type=local,src=DIR   an OCI layout directory (its "buildcache" entry)
//   docker://REF, oci:DIR[:NAME], oci-archive:FILE[:NAME]   a hoist location
//   REF                                    a registry reference, as buildx's shorthand
// `mode` is accepted and ignored: hoist always exports every step the build used (mode=max).

#include <string>

#include "core/error.h"
#include "transfer/location.h"

namespace hoist::tools {

// `to` is true for --cache-to (type=local takes dest=), false for --cache-from (src=). Usage errors
// name the flag and the part that is wrong.
Result<transfer::Location> ParseCacheLocation(const std::string& value, bool to);

}  // namespace hoist::tools
