#include "transfer/read_ahead.h"

#include <vector>

#include "transfer/blob_pipe.h"

namespace hoist::transfer {

std::unique_ptr<Reader> ReadAhead(Reader& inner, size_t capacity) {
  return ReadFromProducer(
      [&inner](BlobPipe& pipe) -> Status {
        std::vector<char> block(256 * 1024);
        for (;;) {
          HOIST_TRY_ASSIGN(size_t k, inner.Read(block.data(), block.size()));
          if (k == 0) return Ok();
          HOIST_TRY(pipe.Write(block.data(), k));
        }
      },
      capacity);
}

}  // namespace hoist::transfer
