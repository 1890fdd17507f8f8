#pragma once
// A failed pull, push or copy as one line that names the image once ("pull HOST/REPO:TAG: not
// found in the registry (manifest unknown)"), as docker prints it. The engine's error carries
// every layer (the copy's source and destination, the request URL, the registry's raw codes):
// that stays available with -v, logged before the short line.

#include <string>
#include <vector>

#include "core/error.h"

namespace hoist::tools {

// `action`: "pull 127.0.0.1:5000/app:1", "push …", "copy A to B". `names`: the strings that
// already name the image in `action` (references, locations); context layers that repeat one of
// them are left out. The code (so the exit code) and registry details are kept.
Error ShapeTransferError(const Error& error, const std::string& action, const std::vector<std::string>& names);

}  // namespace hoist::tools
