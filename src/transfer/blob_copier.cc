#include "transfer/blob_copier.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include "core/worker_pool.h"
#include "transfer/cancel.h"

namespace hoist::transfer {

namespace {

// Observes a source stream: cancellation (Ctrl-C, or another blob failed) and progress.
class WatchedReader : public Reader {
 public:
  WatchedReader(std::unique_ptr<Reader> inner, const Digest& digest, ProgressReporter* progress,
                std::atomic<uint64_t>& bytes, const std::atomic<bool>& failed)
      : inner_(std::move(inner)), digest_(digest), progress_(progress), bytes_(bytes), failed_(failed) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (CancelRequested()) return CancelledError();
    if (failed_.load() && !DeferStop()) return Error(ErrorCode::kCancelled, "stopped because another blob failed");
    HOIST_TRY_ASSIGN(size_t got, inner_->Read(buf, n));
    bytes_ += got;
    if (progress_ && got > 0) progress_->BlobBytes(digest_, got);
    return got;
  }

 private:
  std::unique_ptr<Reader> inner_;
  Digest digest_;
  ProgressReporter* progress_;
  std::atomic<uint64_t>& bytes_;
  const std::atomic<bool>& failed_;
};

}  // namespace

Status BlobCopier::CopyOne(const Descriptor& blob) {
  HOIST_TRY_ASSIGN(Reuse reuse, destination_.TryReuseBlob(blob));
  if (reuse != Reuse::kNo) {
    (reuse == Reuse::kMounted ? mounted_ : reused_)++;
    if (progress_) progress_->BlobDone(blob, reuse == Reuse::kMounted ? BlobOutcome::kMounted : BlobOutcome::kPresent);
    return Ok();
  }
  ImageDestination::BlobOpener open = [&](uint64_t offset) -> Result<std::unique_ptr<Reader>> {
    if (progress_) progress_->BlobStarted(blob, offset);
    HOIST_TRY_ASSIGN(std::unique_ptr<Reader> r, source_.GetBlob(blob, offset));
    return std::unique_ptr<Reader>(new WatchedReader(std::move(r), blob.digest, progress_, bytes_, failed_));
  };
  HOIST_TRY(destination_.PutBlobFrom(open, blob));
  ++copied_;
  if (progress_) progress_->BlobDone(blob, BlobOutcome::kCopied);
  return Ok();
}

Result<BlobCounts> BlobCopier::Run(const std::vector<Descriptor>& blobs) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<Error> first_error;
  auto worker = [&] {
    for (;;) {
      if (failed_.load() || CancelRequested()) return;
      size_t i = next++;
      if (i >= blobs.size()) return;
      Status s = CopyOne(blobs[i]);
      if (!s.ok()) {
        std::lock_guard lock(mu);
        // Keep the cause, not the "stopped because another blob failed" of the others.
        if (!first_error) first_error = std::move(s).error().WithContext("blob " + blobs[i].digest.str());
        failed_.store(true);
        return;
      }
    }
  };
  size_t n = std::min<size_t>(static_cast<size_t>(jobs_), blobs.size());
  RunWorkers(n, worker);  // fewer threads when the system refuses more; the caller's always runs
  if (first_error) return *first_error;
  if (CancelRequested()) return CancelledError();
  return BlobCounts{copied_.load(), reused_.load(), mounted_.load(), bytes_.load()};
}

}  // namespace hoist::transfer
