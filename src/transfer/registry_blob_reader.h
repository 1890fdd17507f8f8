#pragma once
// A registry blob as a Reader: a thread GETs it (from `offset`, with Range) into a bounded pipe
// and the Reader hands the bytes on; a blob that fits in the pipe is fetched whole by the caller.
// A connection that breaks mid-body is continued by Range.
// Hashing is left to the reader's consumer (the copy engine verifies every blob once).

#include <cstdint>
#include <functional>
#include <memory>

#include "core/descriptor.h"
#include "core/io.h"
#include "registry/client/repository.h"

namespace hoist::transfer {

// The blob from `offset` downloaded into `out` on the caller's thread (libcurl's write callback
// writes into `out`: no thread, no pipe). `on_done` runs after the last byte.
Status WriteRegistryBlob(const registry::Repository& repo, const Descriptor& blob, uint64_t offset, Writer& out,
                         const std::function<void()>& on_done = nullptr);

// `on_done` runs on the download thread after the last byte arrived (for the blob-info cache).
Result<std::unique_ptr<Reader>> OpenRegistryBlob(const registry::Repository& repo, const Descriptor& blob,
                                                 uint64_t offset, std::function<void()> on_done = nullptr);

}  // namespace hoist::transfer
