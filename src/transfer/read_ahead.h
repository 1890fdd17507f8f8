#pragma once
// A reader that runs another reader on its own thread, a bounded distance ahead of the consumer,
// so CPU-heavy reading (decompression) overlaps with what the consumer does (hashing, writing).

#include <cstddef>
#include <memory>

#include "core/io.h"

namespace hoist::transfer {

// `inner` must outlive the returned reader; the thread is joined when the reader is destroyed.
std::unique_ptr<Reader> ReadAhead(Reader& inner, size_t capacity = 1024 * 1024);

}  // namespace hoist::transfer
