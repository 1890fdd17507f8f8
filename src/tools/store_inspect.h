#pragma once
// `hoist inspect` on the local store: a `docker inspect`-like summary of an image's config and
// manifest, or its raw manifest or config bytes.

#include "tools/command.h"

namespace hoist::tools {

Result<int> InspectStoreImage(CommandContext& ctx, const std::string& arg);

}  // namespace hoist::tools
