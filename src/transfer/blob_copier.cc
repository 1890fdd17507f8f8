#include "transfer/blob_copier.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include "core/worker_pool.h"
#include "transfer/cancel.h"

namespace hoist::transfer {

namespace {

// What the copy engine observes on every source stream: cancellation (Ctrl-C, or another blob
// failed) before bytes move, and progress after.
class BlobWatch {
 public:
  BlobWatch(const Digest& digest, ProgressReporter* progress, std::atomic<uint64_t>& bytes,
            const std::atomic<bool>& failed)
      : digest_(digest), progress_(progress), bytes_(bytes), failed_(failed) {}
  Status Check() const {
    if (CancelRequested()) return CancelledError();
    if (failed_.load() && !DeferStop()) return Error(ErrorCode::kCancelled, "stopped because another blob failed");
    return Ok();
  }
  void Moved(size_t n) {
    bytes_ += n;
    if (progress_ && n > 0) progress_->BlobBytes(digest_, n);
  }

 private:
  Digest digest_;
  ProgressReporter* progress_;
  std::atomic<uint64_t>& bytes_;
  const std::atomic<bool>& failed_;
};

class WatchedReader : public Reader {
 public:
  WatchedReader(std::unique_ptr<Reader> inner, BlobWatch watch) : inner_(std::move(inner)), watch_(watch) {}
  Result<size_t> Read(char* buf, size_t n) override {
    HOIST_TRY(watch_.Check());
    HOIST_TRY_ASSIGN(size_t got, inner_->Read(buf, n));
    watch_.Moved(got);
    return got;
  }

 private:
  std::unique_ptr<Reader> inner_;
  BlobWatch watch_;
};

class WatchedWriter : public Writer {
 public:
  WatchedWriter(Writer& out, BlobWatch watch) : out_(out), watch_(watch) {}
  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    HOIST_TRY(watch_.Check());
    HOIST_TRY(out_.Write(data, n));
    watch_.Moved(n);
    return Ok();
  }

 private:
  Writer& out_;
  BlobWatch watch_;
};

}  // namespace

Status BlobCopier::CopyOne(const Descriptor& blob) {
  HOIST_TRY_ASSIGN(Reuse reuse, destination_.TryReuseBlob(blob));
  if (reuse != Reuse::kNo) {
    (reuse == Reuse::kMounted ? mounted_ : reused_)++;
    if (progress_) progress_->BlobDone(blob, reuse == Reuse::kMounted ? BlobOutcome::kMounted : BlobOutcome::kPresent);
    return Ok();
  }
  const BlobWatch watch(blob.digest, progress_, bytes_, failed_);
  BlobOpener open(
      [&](uint64_t offset) -> Result<std::unique_ptr<Reader>> {
        if (progress_) progress_->BlobStarted(blob, offset);
        HOIST_TRY_ASSIGN(std::unique_ptr<Reader> r, source_.GetBlob(blob, offset));
        return std::unique_ptr<Reader>(new WatchedReader(std::move(r), watch));
      },
      [&](uint64_t offset, Writer& out) -> Status {
        if (progress_) progress_->BlobStarted(blob, offset);
        WatchedWriter watched(out, watch);
        return source_.WriteBlob(blob, offset, watched);
      });
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
