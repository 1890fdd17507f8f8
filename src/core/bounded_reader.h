#pragma once
// Internal to core: the base of every decompressing Reader (compression.h, archive_compression.h).
// It enforces the expansion limit on what Produce() returns, so a decompression bomb is a
// kTooLarge error in every format alike, and keeps a failed stream failed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/io.h"

namespace hoist::detail {

class BoundedReader : public Reader {
 public:
  // `format` names the compression in errors ("gzip"); empty for a pass-through stream.
  BoundedReader(std::string_view format, uint64_t max_output) : format_(format), max_(max_output) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (error_) return *error_;
    if (n == 0) return size_t{0};
    // Ask for one byte beyond the limit so an over-long stream is detected, not cut short.
    uint64_t room = max_ - total_;
    if (room < n) n = static_cast<size_t>(room) + 1;
    auto k = Produce(buf, n);
    if (!k.ok()) {
      error_ = k.error();
      return k;
    }
    total_ += *k;
    if (total_ > max_) {
      std::string what = "data";
      if (!format_.empty()) {
        what = "decompressed ";
        what += format_;
        what += " data";
      }
      error_ = TooLarge(what + " exceeds the limit of " + std::to_string(max_) + " bytes");
      return *error_;
    }
    return k;
  }

 protected:
  // Produces 1..n bytes, or 0 only at the end of the decompressed stream.
  virtual Result<size_t> Produce(char* buf, size_t n) = 0;

 private:
  std::string format_;
  uint64_t max_;
  uint64_t total_ = 0;
  std::optional<Error> error_;  // sticky: a failed stream stays failed
};

}  // namespace hoist::detail
