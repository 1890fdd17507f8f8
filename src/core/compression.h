#pragma once
// gzip and zstd as streams over Reader/Writer. Decompression is bounded (an expansion limit turns a
// decompression bomb into a kTooLarge error) and strict (corrupt or truncated input is a kParse
// error naming the format). Compression is deterministic for a given level.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "core/io.h"

namespace hoist {

enum class Compression { kNone, kGzip, kZstd };

// "none", "gzip", "zstd".
std::string_view CompressionName(Compression c);

// Detects the format from the first bytes of a stream (4 are enough); kNone when no magic matches.
Compression DetectCompression(std::string_view first_bytes);

struct DecompressOptions {
  // Most bytes the decompressed stream may produce; more is a kTooLarge error.
  uint64_t max_output = std::numeric_limits<uint64_t>::max();
};

// A Reader producing the decompressed content of `in` (which must outlive it). Multi-member gzip
// and multi-frame zstd streams decode fully. kNone passes `in` through (still bounded).
std::unique_ptr<Reader> Decompress(Reader& in, Compression c, DecompressOptions options = {});

// Like Decompress, but peeks at the magic of `in` to choose the format.
std::unique_ptr<Reader> DecompressAuto(Reader& in, DecompressOptions options = {});

struct CompressOptions {
  // gzip: 0..9 (default 6); zstd: ZSTD_minCLevel()..ZSTD_maxCLevel() (default 3).
  std::optional<int> level;
  // gzip only: ISA-L at its fastest level instead of zlib (about 7× faster, about 2% larger);
  // `level` must then be unset.
  bool fast = false;
  // zstd only: libzstd's worker threads (0: all work on the caller's thread). Every N >= 1 gives the
  // same bytes (libzstd's guarantee), so digests do not depend on the machine's core count; they
  // differ from N = 0's.
  int zstd_workers = 0;
};

// A Writer that compresses into `out` (which must outlive it). Close() flushes the trailer;
// destroying it without Close() leaves an unterminated stream.
class CompressingWriter : public Writer {
 public:
  using Writer::Write;
  virtual Status Close() = 0;
};

Result<std::unique_ptr<CompressingWriter>> NewCompressingWriter(Writer& out, Compression c,
                                                                CompressOptions options = {});

}  // namespace hoist
