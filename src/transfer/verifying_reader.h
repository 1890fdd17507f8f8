#pragma once
// The copy engine's check on every blob it streams: counts and hashes the bytes and fails
// *before handing over the last byte* when they are not the blob's, so a destination that
// streams as it reads (an HTTP upload) never receives a complete wrong blob. Also where
// cancellation and progress are observed.

#include <cstdint>
#include <functional>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/io.h"

namespace hoist::transfer {

class VerifyingReader : public Reader {
 public:
  // `offset` > 0: the stream starts there (a resumed transfer); only the size can be checked and
  // the destination verifies the whole blob.
  VerifyingReader(Reader& inner, const Descriptor& blob, uint64_t offset = 0,
                  std::function<void(uint64_t)> on_bytes = nullptr);
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t position() const { return pos_; }

  // A point to come back to (position and hash state), for a chunk that must be read again.
  struct Mark {
    uint64_t pos;
    Hasher hasher;
  };
  Mark Save() const { return Mark{pos_, hasher_.Clone()}; }
  // Back to `m`; the caller repositions the inner reader at m.pos.
  void Restore(const Mark& m) {
    pos_ = m.pos;
    hasher_ = m.hasher.Clone();
    verified_ = false;
  }

 private:
  Status CheckEnd();
  Reader& inner_;
  Descriptor blob_;
  bool hashing_;
  Hasher hasher_;
  uint64_t pos_;
  bool verified_ = false;
  std::function<void(uint64_t)> on_bytes_;
};

// The same with its source owned.
class OwningVerifyingReader : public Reader {
 public:
  OwningVerifyingReader(std::unique_ptr<Reader> inner, const Descriptor& blob, uint64_t offset = 0,
                        std::function<void(uint64_t)> on_bytes = nullptr)
      : inner_(std::move(inner)), v_(*inner_, blob, offset, std::move(on_bytes)) {}
  Result<size_t> Read(char* buf, size_t n) override { return v_.Read(buf, n); }

 private:
  std::unique_ptr<Reader> inner_;
  VerifyingReader v_;
};

}  // namespace hoist::transfer
