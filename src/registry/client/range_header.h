#pragma once
// The byte ranges registries send: the upload status `Range: 0-<last>` (Distribution omits the
// spec's "bytes=") and a download's `Content-Range: bytes <first>-<last>/<size|*>`.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/error.h"

namespace hoist::registry {

// How many bytes an upload holds, from its Range header (absent: nullopt → 0 received).
// "0-<last>" means last+1 bytes, except that a fresh upload already reports "0-0": when the
// caller's own offset is 0, "0-0" means 0. "bytes=" is accepted; the first byte must be 0.
Result<uint64_t> UploadedBytes(std::optional<std::string_view> range, uint64_t our_offset);

struct ContentRange {
  uint64_t first = 0;
  uint64_t last = 0;                  // inclusive
  std::optional<uint64_t> size;       // nullopt for "*"
};

// "bytes 100-199/1000" or "bytes 100-199/*".
Result<ContentRange> ParseContentRange(std::string_view value);

// Strict decimal, no sign, no overflow.
std::optional<uint64_t> ParseDecimal(std::string_view text);

}  // namespace hoist::registry
