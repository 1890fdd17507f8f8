#include "core/isal_gzip_writer.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace hoist {

namespace {

constexpr size_t kOutBufferSize = 256 * 1024;
constexpr size_t kBlockSize = 256 * 1024;  // input handed to ISA-L at once

class IsalGzipWriter : public CompressingWriter {
 public:
  explicit IsalGzipWriter(Writer& out) : out_(out), level_buf_(ISAL_DEF_LVL1_DEFAULT), outbuf_(kOutBufferSize) {
    isal_deflate_init(&zs_);
    zs_.level = 1;
    zs_.level_buf = level_buf_.data();
    zs_.level_buf_size = static_cast<uint32_t>(level_buf_.size());
    zs_.gzip_flag = IGZIP_GZIP;  // the default header: no name, mtime 0, so output is reproducible
    zs_.flush = NO_FLUSH;
    pending_.reserve(kBlockSize);
  }

  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (closed_) return Internal("gzip: write after the stream was closed");
    while (n > 0) {
      size_t take = std::min(n, kBlockSize - pending_.size());
      pending_.insert(pending_.end(), data, data + take);
      data += take;
      n -= take;
      if (pending_.size() == kBlockSize) HOIST_TRY(Feed(false));
    }
    return Ok();
  }

  Status Close() override {
    if (closed_) return Ok();
    closed_ = true;
    return Feed(true);
  }

 private:
  // Compresses the pending block (and, at the end, finishes the stream). ISA-L's output depends on
  // how its input is cut, so it always gets whole blocks: the same bytes give the same gzip.
  Status Feed(bool end) {
    zs_.next_in = pending_.data();
    zs_.avail_in = static_cast<uint32_t>(pending_.size());
    zs_.end_of_stream = end ? 1 : 0;
    while (zs_.avail_in > 0 || (end && zs_.internal_state.state != ZSTATE_END)) HOIST_TRY(Step());
    pending_.clear();
    return Ok();
  }

  // One isal_deflate call into the output buffer, whose contents then go to `out_`.
  Status Step() {
    zs_.next_out = reinterpret_cast<uint8_t*>(outbuf_.data());
    zs_.avail_out = static_cast<uint32_t>(outbuf_.size());
    int ret = isal_deflate(&zs_);
    if (ret != COMP_OK) return Internal("gzip: ISA-L deflate failed (" + std::to_string(ret) + ")");
    size_t produced = outbuf_.size() - zs_.avail_out;
    if (produced > 0) HOIST_TRY(out_.Write(outbuf_.data(), produced));
    return Ok();
  }

  Writer& out_;
  std::vector<uint8_t> level_buf_;
  std::vector<char> outbuf_;
  std::vector<uint8_t> pending_;
  isal_zstream zs_;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<CompressingWriter>> NewIsalGzipWriter(Writer& out) {
  return std::unique_ptr<CompressingWriter>(std::make_unique<IsalGzipWriter>(out));
}

}  // namespace hoist
