#include "transfer/rewindable_blob_reader.h"

namespace hoist::transfer {

Result<std::unique_ptr<RewindableBlobReader>> RewindableBlobReader::Open(
    const ImageDestination::BlobOpener& open, const Descriptor& blob, uint64_t offset) {
  HOIST_TRY_ASSIGN(std::unique_ptr<Reader> first, open(offset));
  return std::unique_ptr<RewindableBlobReader>(new RewindableBlobReader(open, blob, offset, std::move(first)));
}

RewindableBlobReader::RewindableBlobReader(const ImageDestination::BlobOpener& open, const Descriptor& blob,
                                           uint64_t offset, std::unique_ptr<Reader> first)
    : open_(open), verified_(current_, blob, offset), mark_(verified_.Save()) {
  current_.source = std::move(first);
}

Status RewindableBlobReader::Rewind() {
  current_.source.reset();  // a download thread behind it stops before the new one starts
  HOIST_TRY_ASSIGN(current_.source, open_(mark_.pos));
  verified_.Restore(mark_);
  return Ok();
}

}  // namespace hoist::transfer
