// bzip2 (libbz2) and xz (liblzma) decoders, and the archive-format dispatch of
// core/archive_compression.h; gzip and zstd come from decompression.cc.

#include "core/archive_compression.h"

#include <bzlib.h>
#include <lzma.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "core/bounded_reader.h"

namespace hoist {

namespace {

constexpr size_t kBufferSize = 64 * 1024;
constexpr char kBzip2Magic[] = "BZh";                       // then the block size, '1'..'9'
constexpr char kXzMagic[] = {'\xFD', '7', 'z', 'X', 'Z', '\0'};
// xz records the memory its decoder needs; a file asking for more than this is refused rather
// than allowed to exhaust the machine (xz -9 needs 65 MiB).
constexpr uint64_t kXzMemoryLimit = uint64_t{256} << 20;

Error Truncated(std::string_view format) {
  std::string s(format);
  s += ": unexpected end of compressed stream (the data is truncated)";
  return ParseError(std::move(s));
}

Error Corrupt(std::string_view format, std::string_view why) {
  std::string s(format);
  s += ": corrupt compressed data (";
  s += why;
  s += ")";
  return ParseError(std::move(s));
}

class Bzip2Reader : public detail::BoundedReader {
 public:
  Bzip2Reader(Reader& in, uint64_t max) : BoundedReader("bzip2", max), in_(in), inbuf_(kBufferSize) {
    std::memset(&bs_, 0, sizeof bs_);
  }
  ~Bzip2Reader() override { End(); }

 protected:
  Result<size_t> Produce(char* buf, size_t n) override {
    for (;;) {
      if (bs_.avail_in == 0 && !in_eof_) HOIST_TRY(Fill());
      if (state_ == State::kDone) return size_t{0};
      if (state_ == State::kBetweenStreams) {
        if (bs_.avail_in == 0) {
          state_ = State::kDone;  // clean end after the last stream
          continue;
        }
        if (*bs_.next_in != kBzip2Magic[0]) {
          return ParseError("bzip2: unexpected data after the end of the compressed stream");
        }
        state_ = State::kStream;  // another stream follows (pbzip2, concatenated .bz2 files)
      }
      if (!active_) {
        if (BZ2_bzDecompressInit(&bs_, 0, 0) != BZ_OK) return Internal("bzip2: cannot initialize libbz2");
        active_ = true;
      }
      const unsigned room = static_cast<unsigned>(std::min<size_t>(n, UINT_MAX));
      bs_.next_out = buf;
      bs_.avail_out = room;
      int ret = BZ2_bzDecompress(&bs_);
      size_t produced = room - bs_.avail_out;
      switch (ret) {
        case BZ_STREAM_END:
          End();
          state_ = State::kBetweenStreams;
          break;
        case BZ_OK:
          if (produced == 0 && bs_.avail_in == 0 && in_eof_) return Truncated("bzip2");
          break;
        case BZ_DATA_ERROR_MAGIC:
          return Corrupt("bzip2", "no bzip2 stream header");
        case BZ_MEM_ERROR:
          return Internal("bzip2: out of memory");
        default:  // BZ_DATA_ERROR, BZ_PARAM_ERROR
          return Corrupt("bzip2", "invalid stream");
      }
      if (produced > 0) return produced;
    }
  }

 private:
  enum class State { kStream, kBetweenStreams, kDone };

  Status Fill() {
    HOIST_TRY_ASSIGN(size_t k, in_.Read(inbuf_.data(), inbuf_.size()));
    if (k == 0) in_eof_ = true;
    bs_.next_in = inbuf_.data();
    bs_.avail_in = static_cast<unsigned>(k);
    return Ok();
  }
  // Ends the current stream's decoder, keeping the unread input for the next one.
  void End() {
    if (!active_) return;
    char* next_in = bs_.next_in;
    unsigned avail_in = bs_.avail_in;
    BZ2_bzDecompressEnd(&bs_);
    std::memset(&bs_, 0, sizeof bs_);
    bs_.next_in = next_in;
    bs_.avail_in = avail_in;
    active_ = false;
  }

  Reader& in_;
  std::vector<char> inbuf_;
  bz_stream bs_;
  bool active_ = false;
  bool in_eof_ = false;
  State state_ = State::kStream;
};

class XzReader : public detail::BoundedReader {
 public:
  XzReader(Reader& in, uint64_t max) : BoundedReader("xz", max), in_(in), inbuf_(kBufferSize) {
    init_ = lzma_stream_decoder(&xs_, kXzMemoryLimit, LZMA_CONCATENATED);
  }
  ~XzReader() override { lzma_end(&xs_); }

 protected:
  Result<size_t> Produce(char* buf, size_t n) override {
    if (init_ != LZMA_OK) return Internal("xz: cannot initialize liblzma");
    for (;;) {
      if (done_) return size_t{0};
      if (xs_.avail_in == 0 && !in_eof_) HOIST_TRY(Fill());
      xs_.next_out = reinterpret_cast<uint8_t*>(buf);
      xs_.avail_out = n;
      // LZMA_FINISH once the input has ended: only then may a concatenated stream end.
      lzma_ret ret = lzma_code(&xs_, in_eof_ ? LZMA_FINISH : LZMA_RUN);
      size_t produced = n - xs_.avail_out;
      switch (ret) {
        case LZMA_OK:
          break;
        case LZMA_STREAM_END:
          done_ = true;
          break;
        case LZMA_BUF_ERROR:  // no progress possible: the input ended inside a stream
          return Truncated("xz");
        case LZMA_FORMAT_ERROR:
          return Corrupt("xz", "no xz stream header");
        case LZMA_OPTIONS_ERROR:
          return Corrupt("xz", "unsupported compression options");
        case LZMA_DATA_ERROR:
          return Corrupt("xz", "invalid stream");
        case LZMA_MEMLIMIT_ERROR:
          return TooLarge("xz: the stream needs more than " + std::to_string(kXzMemoryLimit >> 20) +
                          " MiB of memory to decode");
        case LZMA_MEM_ERROR:
          return Internal("xz: out of memory");
        default:
          return Corrupt("xz", "error " + std::to_string(static_cast<int>(ret)));
      }
      if (produced > 0) return produced;
    }
  }

 private:
  Status Fill() {
    HOIST_TRY_ASSIGN(size_t k, in_.Read(inbuf_.data(), inbuf_.size()));
    if (k == 0) in_eof_ = true;
    xs_.next_in = reinterpret_cast<const uint8_t*>(inbuf_.data());
    xs_.avail_in = k;
    return Ok();
  }

  Reader& in_;
  std::vector<char> inbuf_;
  lzma_stream xs_ = LZMA_STREAM_INIT;
  lzma_ret init_;
  bool in_eof_ = false;
  bool done_ = false;
};

}  // namespace

std::string_view ArchiveCompressionName(ArchiveCompression c) {
  switch (c) {
    case ArchiveCompression::kNone: return "none";
    case ArchiveCompression::kGzip: return "gzip";
    case ArchiveCompression::kZstd: return "zstd";
    case ArchiveCompression::kBzip2: return "bzip2";
    case ArchiveCompression::kXz: return "xz";
  }
  return "unknown";
}

ArchiveCompression DetectArchiveCompression(std::string_view b) {
  switch (DetectCompression(b)) {
    case Compression::kGzip: return ArchiveCompression::kGzip;
    case Compression::kZstd: return ArchiveCompression::kZstd;
    case Compression::kNone: break;
  }
  if (b.size() >= 4 && b.compare(0, 3, kBzip2Magic) == 0 && b[3] >= '1' && b[3] <= '9') {
    return ArchiveCompression::kBzip2;
  }
  if (b.size() >= sizeof kXzMagic && std::memcmp(b.data(), kXzMagic, sizeof kXzMagic) == 0) {
    return ArchiveCompression::kXz;
  }
  return ArchiveCompression::kNone;
}

std::unique_ptr<Reader> DecompressArchive(Reader& in, ArchiveCompression c, DecompressOptions options) {
  switch (c) {
    case ArchiveCompression::kGzip: return Decompress(in, Compression::kGzip, options);
    case ArchiveCompression::kZstd: return Decompress(in, Compression::kZstd, options);
    case ArchiveCompression::kBzip2: return std::make_unique<Bzip2Reader>(in, options.max_output);
    case ArchiveCompression::kXz: return std::make_unique<XzReader>(in, options.max_output);
    case ArchiveCompression::kNone: break;
  }
  return Decompress(in, Compression::kNone, options);
}

}  // namespace hoist
