#include "transfer/registry_blob_reader.h"

#include "registry/registry_errors.h"
#include "transfer/blob_pipe.h"
#include "transfer/cancel.h"

namespace hoist::transfer {

namespace {

constexpr int kMaxResumes = 5;

// Feeds the pipe and counts what the registry sent.
class PipeWriter : public Writer {
 public:
  PipeWriter(BlobPipe& pipe, uint64_t& pos) : pipe_(pipe), pos_(pos) {}
  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (CancelRequested()) return CancelledError();
    HOIST_TRY(pipe_.Write(data, n));
    pos_ += n;
    return Ok();
  }

 private:
  BlobPipe& pipe_;
  uint64_t& pos_;
};

Status Download(const registry::Repository& repo, const Descriptor& blob, uint64_t offset, BlobPipe& pipe) {
  const std::string context = "get blob " + blob.digest.str() + " from " + repo.display_name();
  const uint64_t size = static_cast<uint64_t>(blob.size);
  uint64_t pos = offset;
  for (int resumes = 0;; ++resumes) {
    if (pos >= size && blob.size >= 0 && pos > 0) return Ok();
    const uint64_t start = pos;
    registry::Request req;
    req.url = repo.Url("/blobs/" + blob.digest.str());
    if (start > 0) req.SetHeader("Range", "bytes=" + std::to_string(start) + "-");
    PipeWriter out(pipe, pos);
    req.sink = &out;
    Result<registry::Response> r = repo.http().Do(req);
    if (!r.ok()) {
      if (r.error().retryable() && pos > start && resumes < kMaxResumes && !CancelRequested()) continue;
      if (CancelRequested()) return CancelledError();
      return std::move(r).error().WithContext(context);
    }
    if (r->status == 416 && start > 0) return Ok();  // nothing past what we hold
    if (!r->ok()) return registry::ErrorFromResponse(*r).WithContext(context);
    if (start > 0 && r->status != 206) {
      return Error(ErrorCode::kUnsupported, "the registry does not continue downloads by Range (answered " +
                                                std::to_string(r->status) + ")")
          .WithContext(context);
    }
    return Ok();
  }
}

}  // namespace

Result<std::unique_ptr<Reader>> OpenRegistryBlob(const registry::Repository& repo, const Descriptor& blob,
                                                 uint64_t offset, std::function<void()> on_done) {
  if (blob.size >= 0 && offset > static_cast<uint64_t>(blob.size)) {
    return InvalidArgument("offset past the end of blob " + blob.digest.str());
  }
  return ReadFromProducer(
      [repo, blob, offset, on_done = std::move(on_done)](BlobPipe& pipe) {
        Status s = Download(repo, blob, offset, pipe);
        if (s.ok() && on_done) on_done();
        return s;
      },
      256 * 1024);
}

}  // namespace hoist::transfer
