#include "transfer/image_destination.h"

namespace hoist::transfer {

Status BlobOpener::WriteTo(uint64_t offset, Writer& out) const {
  if (push_) return push_(offset, out);
  HOIST_TRY_ASSIGN(std::unique_ptr<Reader> content, open_(offset));
  HOIST_TRY(Copy(*content, out));
  return Ok();
}

}  // namespace hoist::transfer
