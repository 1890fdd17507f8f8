#include "transfer/chunked_upload.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "transfer/cancel.h"
#include "transfer/rewindable_blob_reader.h"

namespace hoist::transfer {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMaxRecoveryDelay{4000};
constexpr size_t kSkipBuffer = 64 << 10;

// Waits before recovery number `n` (from 0), doubling each time; Ctrl-C ends the wait.
void BackOff(milliseconds first, int n) {
  const milliseconds wait = std::min(kMaxRecoveryDelay, first * (1 << std::min(n, 8)));
  const milliseconds slice = std::min(wait, milliseconds{50});
  for (milliseconds waited{0}; waited < wait && !CancelRequested(); waited += slice) {
    std::this_thread::sleep_for(slice);
  }
}

// Reads and drops `n` bytes (hashed on the way), to stand where the registry's upload stands.
Status Skip(Reader& content, uint64_t n) {
  std::vector<char> buf(kSkipBuffer);
  while (n > 0) {
    HOIST_TRY_ASSIGN(size_t got, content.Read(buf.data(), static_cast<size_t>(std::min<uint64_t>(n, buf.size()))));
    if (got == 0) return Internal("the blob's source ended before the offset the registry holds");
    n -= got;
  }
  return Ok();
}

class ChunkedUpload {
 public:
  ChunkedUpload(const registry::Repository& repo, const ImageDestination::BlobOpener& open, const Descriptor& blob,
                registry::UploadSession& session, const ChunkedUploadSettings& settings)
      : repo_(repo),
        open_(open),
        blob_(blob),
        size_(static_cast<uint64_t>(blob.size)),
        session_(session),
        settings_(settings),
        chunk_(std::max<uint64_t>({settings.chunk_size, session.min_chunk, 1})) {}

  Status Run();

 private:
  // The next chunk (PATCH), or the last one with the closing PUT; `done` once the blob is there.
  Status Step(bool& done, bool& stopped);
  // After a failed step, puts session and source where the upload goes on from; true when the
  // registry turns out to hold the blob already.
  Result<bool> Recover(const Error& failure);
  void Save() {
    if (settings_.resume) (void)settings_.resume->Save(settings_.resume_key, blob_.digest, session_);
  }

  const registry::Repository& repo_;
  const ImageDestination::BlobOpener& open_;
  const Descriptor& blob_;
  const uint64_t size_;
  registry::UploadSession& session_;
  const ChunkedUploadSettings& settings_;
  const uint64_t chunk_;
  uint64_t step_size_ = 0;  // bytes of the last step sent
  std::unique_ptr<RewindableBlobReader> content_;
};

Status ChunkedUpload::Run() {
  Result<std::unique_ptr<RewindableBlobReader>> opened = RewindableBlobReader::Open(open_, blob_, session_.offset);
  if (!opened.ok() && session_.offset > 0 && opened.error().code() == ErrorCode::kUnsupported) {
    (void)repo_.CancelUpload(session_);  // this source cannot seek to where the session stands: start over
    HOIST_TRY_ASSIGN(session_, repo_.StartUpload());
    opened = RewindableBlobReader::Open(open_, blob_, 0);
  }
  HOIST_TRY_ASSIGN(content_, std::move(opened));
  Save();
  int recoveries = 0;
  for (;;) {
    if (CancelRequested()) return CancelledError();
    bool done = false, stopped = false;
    Status sent = Step(done, stopped);
    if (sent.ok()) {
      if (done) return Ok();
      recoveries = 0;
      Save();
      if (!stopped) continue;
      return CancelRequested() ? CancelledError() : Error(ErrorCode::kCancelled, "stopped because another blob failed");
    }
    Error failure = std::move(sent).error();
    for (;;) {  // the count starts again once a step goes through
      if (stopped || CancelRequested() || !UploadRecoverable(failure)) return failure;
      if (recoveries == kMaxUploadRecoveries) {
        return std::move(failure).WithContext("gave up after " + std::to_string(kMaxUploadRecoveries) +
                                   " recoveries in a row of this blob's upload (the most hoist tries)");
      }
      BackOff(settings_.first_backoff, recoveries++);
      if (CancelRequested()) return CancelledError();
      Result<bool> recovered = Recover(failure);
      if (recovered.ok()) {
        if (*recovered) return Ok();
        break;
      }
      failure = std::move(recovered).error();
    }
  }
}

Status ChunkedUpload::Step(bool& done, bool& stopped) {
  content_->Mark();
  step_size_ = std::min(chunk_, size_ - session_.offset);
  const bool last = session_.offset + step_size_ == size_;
  // Streamed from the source, so nothing is buffered; a step once started is sent whole (see
  // ChunkInFlight), and a resend re-reads it from the source.
  ChunkInFlight in_flight;
  const uint64_t start = content_->position();
  auto rewind = [this, start]() -> Status {
    // Part of the body went out before the failure: the registry may hold some of it
    // (Distribution keeps a cut body, then refuses the session), so rather than resending
    // blindly the upload asks the registry where it stands (Recover).
    if (const uint64_t sent = content_->position() - start; sent > 0) {
      return Error(ErrorCode::kNetwork, "the request broke off after " + std::to_string(sent) +
                                            " bytes of its body had been sent");
    }
    return content_->Rewind();
  };
  Status sent = !last              ? repo_.UploadChunkStreamed(session_, *content_, step_size_, rewind)
                : step_size_ == 0  ? repo_.FinishUpload(session_, blob_.digest)
                                   : repo_.FinishUpload(session_, blob_.digest, content_.get(),
                                                        static_cast<int64_t>(step_size_), rewind);
  stopped = in_flight.stop_deferred();
  done = sent.ok() && last;
  return sent;
}

Result<bool> ChunkedUpload::Recover(const Error& failure) {
  const uint64_t from = session_.offset;  // a failed step leaves the session where it was
  // Out of step, or a wrong digest for bytes hoist checked: what the registry holds is suspect.
  const bool suspect = failure.code() == ErrorCode::kConflict || failure.code() == ErrorCode::kDigestMismatch;
  if (!suspect) {
    Result<registry::UploadSession> now = repo_.ResumeUpload(session_);
    if (now.ok() && now->offset >= from && now->offset <= std::min(from + step_size_, size_)) {
      // The session lives: on from the registry's offset (the part of the step it kept, if any).
      HOIST_TRY(content_->Rewind());
      HOIST_TRY(Skip(*content_, now->offset - from));
      session_ = std::move(now).value();
      Save();
      return false;
    }
    if (!now.ok() && now.error().code() != ErrorCode::kNotFound) {
      if (!UploadRecoverable(now.error())) return std::move(now).error();
      HOIST_TRY(content_->Rewind());  // not answered: the same step again, in the same session
      return false;
    }
  }
  // Refused (or holding what we did not send): a new session, the blob again from its start.
  (void)repo_.CancelUpload(session_);
  Result<std::optional<registry::BlobInfo>> there = repo_.HeadBlob(blob_.digest);
  if (there.ok() && *there && ((*there)->size < 0 || (*there)->size == blob_.size)) return true;
  HOIST_TRY_ASSIGN(std::unique_ptr<RewindableBlobReader> content, RewindableBlobReader::Open(open_, blob_, 0));
  HOIST_TRY_ASSIGN(registry::UploadSession fresh, repo_.StartUpload());
  content_ = std::move(content);
  session_ = std::move(fresh);
  Save();
  return false;
}

}  // namespace

bool UploadRecoverable(const Error& e) {
  switch (e.code()) {
    case ErrorCode::kNotFound:         // BLOB_UPLOAD_UNKNOWN: the session is gone
    case ErrorCode::kInvalidArgument:  // BLOB_UPLOAD_INVALID: its state no longer matches
    case ErrorCode::kConflict:         // the registry holds other than what was sent
      return true;
    case ErrorCode::kDigestMismatch:   // the registry's DIGEST_INVALID (hoist's own check has no
      return e.registry().has_value(); // registry details): its copy went wrong, not the source

    default:
      return e.retryable();
  }
}

Status UploadInChunks(const registry::Repository& repo, const ImageDestination::BlobOpener& open,
                      const Descriptor& blob, registry::UploadSession& session,
                      const ChunkedUploadSettings& settings) {
  return ChunkedUpload(repo, open, blob, session, settings).Run();
}

}  // namespace hoist::transfer
