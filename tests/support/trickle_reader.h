#pragma once
// A Reader that hands out one byte per Read: the worst case for a streaming decoder or parser.

#include <string>

#include "core/io.h"

namespace hoist::testing {

class TrickleReader : public Reader {
 public:
  explicit TrickleReader(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size() || n == 0) return size_t{0};
    *buf = data_[pos_++];
    return size_t{1};
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

}  // namespace hoist::testing
