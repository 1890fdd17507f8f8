#pragma once
// The Range header of a blob GET (RFC 9110, one range): "bytes=A-B", "bytes=A-", "bytes=-N".

#include <cstdint>
#include <optional>
#include <string_view>

namespace hoist::serve {

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

// nullopt: not satisfiable (or malformed, or several ranges) for a blob of `size` bytes; the
// caller answers 416 with "Content-Range: bytes */size".
std::optional<ByteRange> ParseByteRange(std::string_view header, uint64_t size);

}  // namespace hoist::serve
