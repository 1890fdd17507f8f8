#pragma once
// A blob streamed from a re-openable source and checked like VerifyingReader, which can go back to
// a mark: an upload chunk that must be sent again (a retried PATCH) re-opens its source at the
// chunk's start and rolls the hash back, instead of holding the chunk in memory.

#include <memory>

#include "core/descriptor.h"
#include "core/io.h"
#include "transfer/image_destination.h"
#include "transfer/verifying_reader.h"

namespace hoist::transfer {

class RewindableBlobReader : public Reader {
 public:
  // The stream starts at `offset` (a resumed upload: then only the size can be checked).
  static Result<std::unique_ptr<RewindableBlobReader>> Open(const ImageDestination::BlobOpener& open,
                                                            const Descriptor& blob, uint64_t offset);

  Result<size_t> Read(char* buf, size_t n) override { return verified_.Read(buf, n); }
  uint64_t position() const { return verified_.position(); }
  // Remembers the current position; Rewind() comes back to it.
  void Mark() { mark_ = verified_.Save(); }
  Status Rewind();

 private:
  // Forwards to whichever source is current, so the VerifyingReader above survives a re-open.
  class Current : public Reader {
   public:
    Result<size_t> Read(char* buf, size_t n) override {
      if (!source) return Internal("the blob's source could not be opened again");
      return source->Read(buf, n);
    }
    std::unique_ptr<Reader> source;
  };

  RewindableBlobReader(const ImageDestination::BlobOpener& open, const Descriptor& blob, uint64_t offset,
                       std::unique_ptr<Reader> first);

  const ImageDestination::BlobOpener& open_;
  Current current_;
  VerifyingReader verified_;
  VerifyingReader::Mark mark_;
};

}  // namespace hoist::transfer
