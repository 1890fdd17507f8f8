#include "transfer/verifying_reader.h"

#include "transfer/cancel.h"

namespace hoist::transfer {

VerifyingReader::VerifyingReader(Reader& inner, const Descriptor& blob, uint64_t offset,
                                 std::function<void(uint64_t)> on_bytes)
    : inner_(inner),
      blob_(blob),
      hashing_(offset == 0),
      hasher_(blob.digest.algorithm()),
      pos_(offset),
      on_bytes_(std::move(on_bytes)) {}

Status VerifyingReader::CheckEnd() {
  if (verified_) return Ok();
  verified_ = true;
  if (pos_ != static_cast<uint64_t>(blob_.size)) {
    return DigestMismatch("blob " + blob_.digest.str() + ": got " + std::to_string(pos_) +
                          " bytes, but its descriptor says " + std::to_string(blob_.size));
  }
  if (hashing_) {
    Digest got = hasher_.Finish();
    if (!(got == blob_.digest)) {
      return DigestMismatch("blob " + blob_.digest.str() + ": content has digest " + got.str() +
                            " (the source is corrupt or sent the wrong bytes)");
    }
  }
  return Ok();
}

Result<size_t> VerifyingReader::Read(char* buf, size_t n) {
  if (CancelRequested()) return CancelledError();
  const uint64_t size = static_cast<uint64_t>(blob_.size);
  HOIST_TRY_ASSIGN(size_t got, inner_.Read(buf, n));
  if (got == 0) {
    HOIST_TRY(CheckEnd());
    return size_t{0};
  }
  if (pos_ + got > size) {
    return DigestMismatch("blob " + blob_.digest.str() + ": the source holds more than its size of " +
                          std::to_string(size) + " bytes");
  }
  if (hashing_) hasher_.Update(buf, got);
  pos_ += got;
  if (on_bytes_) on_bytes_(got);
  // The last byte: check now, before the destination sees a complete blob.
  if (pos_ == size) HOIST_TRY(CheckEnd());
  return got;
}

}  // namespace hoist::transfer
