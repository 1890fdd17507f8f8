// Pushing a whole blob with the upload steps: monolithic (POST + PUT) and chunked (POST,
// PATCH…, PUT), the latter also continuing a session saved earlier.

#include <algorithm>

#include "registry/client/chunk_memory.h"
#include "registry/client/client_util.h"
#include "registry/client/repository.h"

namespace hoist::registry {

ChunkMemory& ChunkMemory::Shared() {
  static ChunkMemory shared(6 << 20);
  return shared;
}

namespace {

// Best effort: a failed push should not leave a partial upload behind on the registry.
void Abandon(const Repository& repo, const UploadSession& session) {
  (void)repo.CancelUpload(session);
}

}  // namespace

Status Repository::PutBlob(Reader& content, const Digest& digest, int64_t size,
                           std::function<Status()> rewind) const {
  const std::string context = "push blob " + digest.str() + " to " + display_name();
  Result<UploadSession> started = StartUpload();
  if (!started.ok()) return std::move(started).error().WithContext(context);
  UploadSession session = std::move(started).value();
  // The registry drops a body sent with the POST, so the content always travels with the PUT.
  Status done = FinishUpload(session, digest, &content, size, std::move(rewind));
  if (!done.ok()) {
    Abandon(*this, session);
    return std::move(done).error().WithContext(context);
  }
  return Ok();
}

Status Repository::PutBlobChunked(Reader& content, const Digest& digest, uint64_t size,
                                  const ChunkedUploadOptions& options) const {
  const std::string context = "push blob " + digest.str() + " to " + display_name();
  Result<UploadSession> started = StartUpload();
  if (!started.ok()) return std::move(started).error().WithContext(context);
  UploadSession session = std::move(started).value();
  if (options.on_progress) options.on_progress(session);
  Status done = ContinueUpload(session, content, digest, size, options);
  if (!done.ok()) {
    // A caller that saves progress means to resume: leave the session open for it.
    if (!options.on_progress) Abandon(*this, session);
    return std::move(done).error().WithContext(context);
  }
  return Ok();
}

Status Repository::ContinueUpload(UploadSession& session, Reader& rest, const Digest& digest,
                                  uint64_t size, const ChunkedUploadOptions& options) const {
  if (session.offset > size) {
    return InvalidArgument("the registry holds " + std::to_string(session.offset) +
                           " bytes of an upload of blob " + digest.str() + ", which has only " +
                           std::to_string(size));
  }
  const uint64_t chunk = std::max<uint64_t>({options.chunk_size, session.min_chunk, 1});
  while (session.offset < size) {
    uint64_t n = std::min(chunk, size - session.offset);
    HOIST_TRY(UploadChunk(session, rest, n));
    if (options.on_progress) options.on_progress(session);
  }
  return FinishUpload(session, digest);
}

}  // namespace hoist::registry
