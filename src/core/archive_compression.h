#pragma once
// The compressions a tar archive may come in where docker accepts more than the layer formats
// (ADD's local archives): gzip and zstd, plus bzip2 and xz. bzip2 and xz stay out of Compression
// on purpose: no OCI or docker layer media type names them, so layer code never meets them.
// Decoding is bounded and strict exactly as in compression.h (kTooLarge past max_output, kParse
// naming the format for corrupt or truncated input).

#include <memory>
#include <string_view>

#include "core/compression.h"
#include "core/io.h"

namespace hoist {

enum class ArchiveCompression { kNone, kGzip, kZstd, kBzip2, kXz };

// "none", "gzip", "zstd", "bzip2", "xz".
std::string_view ArchiveCompressionName(ArchiveCompression c);

// Detects the format from the first bytes of a file (6 are enough); kNone when no magic matches.
ArchiveCompression DetectArchiveCompression(std::string_view first_bytes);

// A Reader producing the decompressed content of `in` (which must outlive it). Concatenated
// bzip2 and xz streams decode fully, as bzip2(1) and xz(1) do.
std::unique_ptr<Reader> DecompressArchive(Reader& in, ArchiveCompression c, DecompressOptions options = {});

}  // namespace hoist
