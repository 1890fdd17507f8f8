#pragma once
// Identifiers nobody may guess (containers, volumes, serve's upload sessions): random bytes from
// the kernel (getrandom), written as lowercase hex.

#include <cstddef>
#include <string>

#include "core/error.h"

namespace hoist {

// `bytes` random bytes (at most 256) as 2 × `bytes` hex digits; docker's container IDs are 32 bytes.
Result<std::string> RandomHex(size_t bytes);

}  // namespace hoist
