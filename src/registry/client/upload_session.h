#pragma once
// Where an open blob upload stands: enough to continue it later, even from another process.
// The location carries the registry's signed upload state (a capability for this upload): keep
// it out of logs and error messages (SanitizeUrl strips it).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hoist::registry {

struct UploadSession {
  std::string location;     // absolute URL, as the registry last named it (changes after every PATCH)
  uint64_t offset = 0;      // bytes the registry holds; the next chunk starts here
  uint64_t min_chunk = 0;   // OCI-Chunk-Min-Length, when the registry announced one

  bool operator==(const UploadSession&) const = default;
};

// {"location": "...", "offset": N, "min_chunk": N}: what the transfer engine persists.
std::string EncodeUploadSession(const UploadSession& session);
Result<UploadSession> DecodeUploadSession(std::string_view text);

}  // namespace hoist::registry
