#pragma once
// One large blob into a registry in chunks streamed from the source (PATCH each, the last one
// travelling with the closing PUT), surviving a cut connection. A chunk or PUT that still fails
// once the HTTP layer's own retries are spent asks the registry where the upload stands (GET →
// Range): while the session lives, the blob continues from the registry's offset (the source
// re-read from the chunk's start, hash rolled back); where the registry refuses it (Distribution
// cancels an upload whose saved state no longer matches what it holds after a cut body: 404
// BLOB_UPLOAD_INVALID/UNKNOWN), a new session sends the blob again from the source's start, so
// a cut loses at most what that blob had sent. At most kMaxUploadRecoveries such recoveries per
// blob, backing off between them; a blob the registry turns out to hold already is not resent.

#include <chrono>
#include <cstdint>
#include <string>

#include "core/descriptor.h"
#include "registry/client/repository.h"
#include "transfer/image_destination.h"
#include "transfer/resume_state.h"

namespace hoist::transfer {

// Recoveries (a resume from the registry's offset, or a fresh session) for one blob's upload.
inline constexpr int kMaxUploadRecoveries = 5;

struct ChunkedUploadSettings {
  uint64_t chunk_size = 16 << 20;
  // The wait before the first recovery; it doubles for each further one in a row, up to 4 s.
  std::chrono::milliseconds first_backoff{250};
  // The session is saved here after every chunk (may be null), under `resume_key`.
  const ResumeState* resume = nullptr;
  std::string resume_key = "";
};

// Uploads `blob` (read through `open`) into `session`, which holds the blob's first
// session.offset bytes already (0 for a new one); `session` ends as the last one used. The
// resume state is kept for a later run on interruption, and forgotten on success.
Status UploadInChunks(const registry::Repository& repo, const ImageDestination::BlobOpener& open,
                      const Descriptor& blob, registry::UploadSession& session,
                      const ChunkedUploadSettings& settings);

// Whether an upload that failed with `e` may go on in the same or a fresh session: a cut
// connection, a passing failure that outlasted the retries, a session the registry refused or
// that went out of step; never a wrong blob, a denial or a stop.
bool UploadRecoverable(const Error& e);

}  // namespace hoist::transfer
