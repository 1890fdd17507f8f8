#include "core/compression.h"

#include "core/isal_gzip_writer.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

// The compressing half; decompression lives in decompression.cc.

namespace hoist {

namespace {

constexpr size_t kBufferSize = 64 * 1024;

class PlainWriter : public CompressingWriter {
 public:
  explicit PlainWriter(Writer& out) : out_(out) {}
  using Writer::Write;
  Status Write(const char* data, size_t n) override { return out_.Write(data, n); }
  Status Close() override { return Ok(); }

 private:
  Writer& out_;
};

Error WriteAfterClose(Compression c) {
  return Internal(std::string(CompressionName(c)) + ": write after the stream was closed");
}

class GzipWriter : public CompressingWriter {
 public:
  GzipWriter(Writer& out, int level) : out_(out), outbuf_(kBufferSize) {
    std::memset(&zs_, 0, sizeof zs_);
    // 16 + MAX_WBITS: gzip wrapper with a zero mtime, so output is reproducible.
    init_ = deflateInit2(&zs_, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  }
  ~GzipWriter() override {
    if (init_ == Z_OK) deflateEnd(&zs_);
  }
  bool initialized() const { return init_ == Z_OK; }

  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (closed_) return WriteAfterClose(Compression::kGzip);
    while (n > 0) {
      size_t chunk = std::min<size_t>(n, UINT_MAX);
      zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
      zs_.avail_in = static_cast<uInt>(chunk);
      HOIST_TRY(Pump(Z_NO_FLUSH));
      data += chunk;
      n -= chunk;
    }
    return Ok();
  }

  Status Close() override {
    if (closed_) return Ok();
    closed_ = true;
    zs_.next_in = nullptr;
    zs_.avail_in = 0;
    return Pump(Z_FINISH);
  }

 private:
  // Runs deflate until it has consumed all input (and, for Z_FINISH, written the trailer).
  Status Pump(int flush) {
    for (;;) {
      zs_.next_out = reinterpret_cast<Bytef*>(outbuf_.data());
      zs_.avail_out = static_cast<uInt>(outbuf_.size());
      int ret = deflate(&zs_, flush);
      if (ret == Z_STREAM_ERROR) return Internal("gzip: deflate failed");
      size_t produced = outbuf_.size() - zs_.avail_out;
      if (produced > 0) HOIST_TRY(out_.Write(outbuf_.data(), produced));
      if (flush == Z_FINISH ? ret == Z_STREAM_END : (zs_.avail_in == 0 && zs_.avail_out > 0)) {
        return Ok();
      }
    }
  }

  Writer& out_;
  std::vector<char> outbuf_;
  z_stream zs_;
  int init_;
  bool closed_ = false;
};

// libzstd's job size with workers: each worker holds a job's input and output, so the default (8 MiB
// at level 3) made a 256 MiB layer's conversion peak at 80 MiB RSS; 2 MiB jobs peak at 36 MiB for
// 0.4% more output on a tar of /usr/lib. The bytes depend on it (and not on the number of workers).
constexpr int kZstdJobSize = 2 << 20;

class ZstdWriter : public CompressingWriter {
 public:
  ZstdWriter(Writer& out, int level, int workers)
      : out_(out), outbuf_(ZSTD_CStreamOutSize()), cctx_(ZSTD_createCCtx()) {
    if (cctx_ == nullptr) return;
    ok_ = !ZSTD_isError(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level)) &&
          !ZSTD_isError(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1)) &&
          (workers == 0 || (!ZSTD_isError(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, workers)) &&
                            !ZSTD_isError(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_jobSize, kZstdJobSize))));
  }
  ~ZstdWriter() override { ZSTD_freeCCtx(cctx_); }
  bool initialized() const { return ok_; }

  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (closed_) return WriteAfterClose(Compression::kZstd);
    ZSTD_inBuffer in{data, n, 0};
    while (in.pos < in.size) HOIST_TRY(Step(in, ZSTD_e_continue));
    return Ok();
  }

  Status Close() override {
    if (closed_) return Ok();
    closed_ = true;
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (;;) {
      HOIST_TRY_ASSIGN(size_t remaining, Step(in, ZSTD_e_end));
      if (remaining == 0) return Ok();
    }
  }

 private:
  Result<size_t> Step(ZSTD_inBuffer& in, ZSTD_EndDirective mode) {
    ZSTD_outBuffer out{outbuf_.data(), outbuf_.size(), 0};
    size_t ret = ZSTD_compressStream2(cctx_, &out, &in, mode);
    if (ZSTD_isError(ret)) {
      return Internal(std::string("zstd: compression failed (") + ZSTD_getErrorName(ret) + ")");
    }
    if (out.pos > 0) HOIST_TRY(out_.Write(outbuf_.data(), out.pos));
    return ret;
  }

  Writer& out_;
  std::vector<char> outbuf_;
  ZSTD_CCtx* cctx_;
  bool ok_ = false;
  bool closed_ = false;
};

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

Result<std::unique_ptr<CompressingWriter>> NewCompressingWriter(Writer& out, Compression c,
                                                                CompressOptions options) {
  switch (c) {
    case Compression::kNone:
      return std::unique_ptr<CompressingWriter>(std::make_unique<PlainWriter>(out));
    case Compression::kGzip: {
      if (options.fast) {
        if (options.level) return InvalidArgument("gzip: a level cannot be combined with fast compression");
        return NewIsalGzipWriter(out);
      }
      int level = options.level.value_or(6);
      if (level < 0 || level > 9) {
        return InvalidArgument("gzip compression level " + std::to_string(level) +
                               " is out of range (0..9)");
      }
      auto w = std::make_unique<GzipWriter>(out, level);
      if (!w->initialized()) return Internal("gzip: cannot initialize zlib");
      return std::unique_ptr<CompressingWriter>(std::move(w));
    }
    case Compression::kZstd: {
      int level = options.level.value_or(3);
      if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel() || level == 0) {
        return InvalidArgument("zstd compression level " + std::to_string(level) +
                               " is out of range (1.." + std::to_string(ZSTD_maxCLevel()) +
                               ", or negative for fast modes)");
      }
      auto w = std::make_unique<ZstdWriter>(out, level, options.zstd_workers);
      if (!w->initialized()) return Internal("zstd: cannot create a compression context");
      return std::unique_ptr<CompressingWriter>(std::move(w));
    }
  }
  return InvalidArgument("unknown compression");
}

}  // namespace hoist
