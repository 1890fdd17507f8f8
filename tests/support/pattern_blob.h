#pragma once
// Deterministic blob content for tests and test tools: `size` bytes that depend only on `seed`
// and the position, generated as they stream (big blobs are never held in memory). The bytes
// are those of PatternReader in tests/integration/registry_client_support.h; this copy has no
// Catch2 dependency, so small test programs (tests/tools/) can use it.

#include <algorithm>
#include <cstdint>

#include "core/digest.h"
#include "core/io.h"

namespace hoist::testing {

class PatternBlob : public Reader {
 public:
  PatternBlob(uint64_t size, uint64_t seed) : size_(size), seed_(seed) {}

  Result<size_t> Read(char* buf, size_t n) override {
    size_t i = 0;
    for (; i < n && pos_ < size_; ++i, ++pos_) buf[i] = ByteAt(pos_);
    return i;
  }
  void Seek(uint64_t offset) { pos_ = std::min(offset, size_); }
  uint64_t size() const { return size_; }

  char ByteAt(uint64_t pos) const {
    uint64_t x = (pos >> 3) * 0x9E3779B97F4A7C15ULL ^ seed_;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 29;
    return static_cast<char>(x >> ((pos & 7) * 8));
  }

  static Digest DigestOf(uint64_t size, uint64_t seed) {
    PatternBlob r(size, seed);
    Hasher h;
    char buf[64 * 1024];
    for (;;) {
      Result<size_t> n = r.Read(buf, sizeof buf);
      if (!n.ok() || *n == 0) break;
      h.Update(buf, *n);
    }
    return h.Finish();
  }

 private:
  uint64_t size_;
  uint64_t seed_;
  uint64_t pos_ = 0;
};

}  // namespace hoist::testing
