// The decompressing half of core/compression.h.

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/bounded_reader.h"
#include "core/compression.h"

namespace hoist {

namespace {

constexpr size_t kBufferSize = 64 * 1024;
constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};
constexpr unsigned char kZstdMagic[] = {0x28, 0xb5, 0x2f, 0xfd};

Error Truncated(Compression c) {
  return ParseError(std::string(CompressionName(c)) +
                    ": unexpected end of compressed stream (the data is truncated)");
}

using detail::BoundedReader;

class PlainReader : public BoundedReader {
 public:
  PlainReader(Reader& in, uint64_t max) : BoundedReader("", max), in_(in) {}

 protected:
  Result<size_t> Produce(char* buf, size_t n) override { return in_.Read(buf, n); }

 private:
  Reader& in_;
};

// gzip through ISA-L's inflate (several times zlib's speed on the same bytes; it parses the gzip
// header and checks CRC-32 and ISIZE itself). Members are decoded one after another.
class GzipReader : public BoundedReader {
 public:
  GzipReader(Reader& in, uint64_t max)
      : BoundedReader(CompressionName(Compression::kGzip), max), in_(in), inbuf_(kBufferSize) {
    StartMember();
  }

 protected:
  Result<size_t> Produce(char* buf, size_t n) override {
    for (;;) {
      if (st_.avail_in == 0 && !in_eof_) HOIST_TRY(Fill());
      if (state_ == State::kDone) return size_t{0};
      if (state_ == State::kBetweenMembers) {
        if (st_.avail_in == 0) {
          state_ = State::kDone;  // clean end after the last member
          continue;
        }
        unsigned char next = *st_.next_in;
        if (next == kGzipMagic[0]) {
          StartMember();  // another member follows (pigz, concatenated .gz files)
        } else if (next == 0) {
          state_ = State::kZeroPadding;
        } else {
          return ParseError("gzip: unexpected data after the end of the compressed stream");
        }
        continue;
      }
      if (state_ == State::kZeroPadding) {
        // Block-padded files (tape-style) end in zeros; gzip(1) ignores them too.
        while (st_.avail_in > 0) {
          if (*st_.next_in != 0) {
            return ParseError("gzip: unexpected data after the end of the compressed stream");
          }
          ++st_.next_in;
          --st_.avail_in;
        }
        if (in_eof_) state_ = State::kDone;
        continue;
      }
      uint32_t avail = static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX));
      st_.next_out = reinterpret_cast<uint8_t*>(buf);
      st_.avail_out = avail;
      int ret = isal_inflate(&st_);
      size_t produced = avail - st_.avail_out;
      if (ret != ISAL_DECOMP_OK) return Corrupt(ret);
      if (st_.block_state == ISAL_BLOCK_FINISH) {
        state_ = State::kBetweenMembers;
      } else if (produced == 0 && st_.avail_in == 0 && in_eof_) {
        return Truncated(Compression::kGzip);
      }
      if (produced > 0) return produced;
    }
  }

 private:
  enum class State { kMember, kBetweenMembers, kZeroPadding, kDone };

  void StartMember() {
    // The unread input survives a reset: keep it across members.
    uint8_t* next_in = st_.next_in;
    uint32_t avail_in = st_.avail_in;
    isal_inflate_init(&st_);
    st_.crc_flag = ISAL_GZIP;
    st_.next_in = next_in;
    st_.avail_in = avail_in;
    state_ = State::kMember;
  }

  static Error Corrupt(int ret) {
    const char* what = "invalid stream";
    switch (ret) {
      case ISAL_INVALID_WRAPPER: what = "not a gzip header"; break;
      case ISAL_UNSUPPORTED_METHOD: what = "unsupported compression method"; break;
      case ISAL_INCORRECT_CHECKSUM: what = "checksum mismatch"; break;
      case ISAL_INVALID_BLOCK: what = "invalid block"; break;
      case ISAL_INVALID_SYMBOL: what = "invalid symbol"; break;
      case ISAL_INVALID_LOOKBACK: what = "invalid distance"; break;
      default: break;
    }
    return ParseError(std::string("gzip: corrupt compressed data (") + what + ")");
  }

  Status Fill() {
    HOIST_TRY_ASSIGN(size_t k, in_.Read(inbuf_.data(), inbuf_.size()));
    if (k == 0) in_eof_ = true;
    st_.next_in = reinterpret_cast<uint8_t*>(inbuf_.data());
    st_.avail_in = static_cast<uint32_t>(k);
    return Ok();
  }

  Reader& in_;
  std::vector<char> inbuf_;
  inflate_state st_{};
  bool in_eof_ = false;
  State state_ = State::kMember;
};

class ZstdReader : public BoundedReader {
 public:
  ZstdReader(Reader& in, uint64_t max)
      : BoundedReader(CompressionName(Compression::kZstd), max), in_(in), inbuf_(kBufferSize),
        dctx_(ZSTD_createDCtx()) {}
  ~ZstdReader() override { ZSTD_freeDCtx(dctx_); }

 protected:
  Result<size_t> Produce(char* buf, size_t n) override {
    if (dctx_ == nullptr) return Internal("zstd: cannot create a decompression context");
    for (;;) {
      if (input_.pos == input_.size && !in_eof_) HOIST_TRY(Fill());
      // last_ == 0: the previous frame ended and everything was flushed.
      if (input_.pos == input_.size && in_eof_ && last_ == 0) return size_t{0};
      ZSTD_outBuffer out{buf, n, 0};
      size_t ret = ZSTD_decompressStream(dctx_, &out, &input_);
      if (ZSTD_isError(ret)) {
        return ParseError(std::string("zstd: corrupt compressed data (") + ZSTD_getErrorName(ret) +
                          ")");
      }
      last_ = ret;
      if (out.pos > 0) return out.pos;
      if (input_.pos == input_.size && in_eof_ && ret != 0) return Truncated(Compression::kZstd);
    }
  }

 private:
  Status Fill() {
    HOIST_TRY_ASSIGN(size_t k, in_.Read(inbuf_.data(), inbuf_.size()));
    if (k == 0) in_eof_ = true;
    input_ = ZSTD_inBuffer{inbuf_.data(), k, 0};
    return Ok();
  }

  Reader& in_;
  std::vector<char> inbuf_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  bool in_eof_ = false;
  size_t last_ = 1;  // nonzero: a frame is expected or in progress
};

// Peeks at the magic, then replays the peeked bytes into the chosen decompressor.
class AutoReader : public Reader {
 public:
  AutoReader(Reader& in, DecompressOptions options) : in_(in), options_(options) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (!inner_) {
      char magic[sizeof kZstdMagic];
      size_t got = 0;
      while (got < sizeof magic) {
        HOIST_TRY_ASSIGN(size_t k, in_.Read(magic + got, sizeof magic - got));
        if (k == 0) break;
        got += k;
      }
      peeked_.assign(magic, got);
      inner_ = Decompress(replay_, DetectCompression(peeked_), options_);
    }
    return inner_->Read(buf, n);
  }

 private:
  class Replay : public Reader {
   public:
    explicit Replay(AutoReader& owner) : owner_(owner) {}
    Result<size_t> Read(char* buf, size_t n) override {
      std::string& p = owner_.peeked_;
      if (owner_.pos_ < p.size()) {
        size_t k = std::min(n, p.size() - owner_.pos_);
        std::memcpy(buf, p.data() + owner_.pos_, k);
        owner_.pos_ += k;
        return k;
      }
      return owner_.in_.Read(buf, n);
    }

   private:
    AutoReader& owner_;
  };

  Reader& in_;
  DecompressOptions options_;
  std::string peeked_;
  size_t pos_ = 0;
  Replay replay_{*this};
  std::unique_ptr<Reader> inner_;
};

}  // namespace

Compression DetectCompression(std::string_view b) {
  auto starts = [&](const unsigned char* magic, size_t n) {
    return b.size() >= n && std::memcmp(b.data(), magic, n) == 0;
  };
  if (starts(kGzipMagic, sizeof kGzipMagic)) return Compression::kGzip;
  if (starts(kZstdMagic, sizeof kZstdMagic)) return Compression::kZstd;
  return Compression::kNone;
}

std::unique_ptr<Reader> Decompress(Reader& in, Compression c, DecompressOptions options) {
  switch (c) {
    case Compression::kGzip: return std::make_unique<GzipReader>(in, options.max_output);
    case Compression::kZstd: return std::make_unique<ZstdReader>(in, options.max_output);
    case Compression::kNone: break;
  }
  return std::make_unique<PlainReader>(in, options.max_output);
}

std::unique_ptr<Reader> DecompressAuto(Reader& in, DecompressOptions options) {
  return std::make_unique<AutoReader>(in, options);
}

}  // namespace hoist
