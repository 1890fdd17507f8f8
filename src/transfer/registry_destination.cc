#include "transfer/registry_destination.h"

#include <algorithm>

#include "transfer/cancel.h"
#include "transfer/chunked_upload.h"
#include "transfer/rewindable_blob_reader.h"
#include "transfer/verifying_reader.h"

namespace hoist::transfer {

namespace {
constexpr size_t kMaxMountTries = 3;
constexpr int kMaxUploadStarts = 3;  // fresh upload sessions for one small blob
}

Result<Reuse> RegistryDestination::TryReuseBlob(const Descriptor& blob) {
  HOIST_TRY_ASSIGN(auto info, repo_.HeadBlob(blob.digest));
  if (info && (info->size < 0 || info->size == blob.size)) {
    Seen(blob.digest);
    return Reuse::kPresent;
  }
  std::vector<std::string> from = options_.mount_hints;
  if (options_.cache) {
    for (auto& r : options_.cache->RepositoriesOn(blob.digest, ref_.domain())) {
      if (std::find(from.begin(), from.end(), r) == from.end()) from.push_back(std::move(r));
    }
  }
  size_t tries = 0;
  for (const auto& repo : from) {
    if (repo == ref_.repository()) continue;
    if (tries++ == kMaxMountTries) break;
    auto mounted = repo_.MountBlob(blob.digest, repo);
    if (!mounted.ok()) continue;  // only a hint: an upload follows
    if (mounted->mounted) {
      Seen(blob.digest);
      return Reuse::kMounted;
    }
    if (mounted->session) (void)repo_.CancelUpload(*mounted->session);
  }
  return Reuse::kNo;
}

Status RegistryDestination::PutBlob(Reader& content, const Descriptor& blob) {
  VerifyingReader verified(content, blob);
  HOIST_TRY(repo_.PutBlob(verified, blob.digest, blob.size));
  Seen(blob.digest);
  return Ok();
}

Status RegistryDestination::PutBlobFrom(const BlobOpener& open, const Descriptor& blob) {
  if (blob.size >= options_.chunked_threshold) return PutChunked(open, blob);
  // One PUT streamed from the source; a PUT the registry must get again (503, 429, a reset before
  // its answer) re-reads the source from the start rather than failing the copy, and an upload the
  // registry gave up on (a PUT cut mid-body) is started afresh.
  for (int attempt = 1;; ++attempt) {
    HOIST_TRY_ASSIGN(std::unique_ptr<RewindableBlobReader> content, RewindableBlobReader::Open(open, blob, 0));
    content->Mark();
    Status put = repo_.PutBlob(*content, blob.digest, blob.size, [&content] { return content->Rewind(); });
    if (put.ok()) {
      Seen(blob.digest);
      return Ok();
    }
    if (attempt == kMaxUploadStarts || !WorthANewUpload(put.error()) || CancelRequested()) return put;
  }
}

bool WorthANewUpload(const Error& e) {
  // A session refused after a cut (404 BLOB_UPLOAD_UNKNOWN or BLOB_UPLOAD_INVALID), or a passing
  // failure that outlasted the retries; never a wrong blob, a denial or a stop.
  return e.retryable() || e.code() == ErrorCode::kNotFound || e.code() == ErrorCode::kInvalidArgument;
}

Status RegistryDestination::PutChunked(const BlobOpener& open, const Descriptor& blob) {
  const std::string key = ref_.domain() + "/" + ref_.repository();
  const ResumeState* resume = options_.resume;
  std::optional<registry::UploadSession> session;
  if (resume) {
    if (auto saved = resume->Find(key, blob.digest)) {
      auto current = repo_.ResumeUpload(*saved);
      if (current.ok() && current->offset <= static_cast<uint64_t>(blob.size)) {
        session = std::move(current).value();
      } else {
        resume->Forget(key, blob.digest);  // expired or unknown: start over
      }
    }
  }
  if (!session) {
    HOIST_TRY_ASSIGN(registry::UploadSession fresh, repo_.StartUpload());
    session = std::move(fresh);
  }
  Status done = UploadInChunks(repo_, open, blob, *session,
                               {.chunk_size = options_.chunk_size, .resume = resume, .resume_key = key});
  if (!done.ok()) {
    // A wrong blob must not be continued later; an interruption may be.
    if (done.error().code() == ErrorCode::kDigestMismatch) {
      (void)repo_.CancelUpload(*session);
      if (resume) resume->Forget(key, blob.digest);
    }
    return std::move(done).error().WithContext("push blob " + blob.digest.str() + " to " + repo_.display_name());
  }
  if (resume) resume->Forget(key, blob.digest);
  Seen(blob.digest);
  return Ok();
}

Status RegistryDestination::PutManifest(const ManifestBytes& manifest, const std::string& tag) {
  const Digest digest = Digest::Of(manifest.bytes);
  // Already there under this name with these bytes: nothing to send (a no-op recopy).
  auto have = repo_.HeadManifest(tag.empty() ? digest.str() : tag);
  if (have.ok() && *have && (*have)->digest == digest) return Ok();
  auto put = repo_.PutManifest(manifest.bytes, manifest.media_type, tag);
  if (!put.ok()) return std::move(put).error();
  return Ok();
}

}  // namespace hoist::transfer
