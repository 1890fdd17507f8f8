#include "transfer/image_source.h"

namespace hoist::transfer {

Status ImageSource::WriteBlob(const Descriptor& blob, uint64_t offset, Writer& out) {
  HOIST_TRY_ASSIGN(std::unique_ptr<Reader> content, GetBlob(blob, offset));
  HOIST_TRY(Copy(*content, out));
  return Ok();
}

}  // namespace hoist::transfer
