#include "transfer/registry_blob_reader.h"

#include "registry/registry_errors.h"
#include "transfer/blob_pipe.h"
#include "transfer/cancel.h"

namespace hoist::transfer {

namespace {

constexpr int kMaxResumes = 5;
// Bytes that may wait between the download thread and the reader; a blob no larger than this is
// fetched whole on the caller's thread instead (the same memory, without a thread per blob: for
// images of many small layers the thread's start, stack and handoffs were a tenth of the CPU).
constexpr size_t kPipeCapacity = 256 * 1024;

// Counts what the registry sent on its way to `out`, refuses more than the blob's size, and stops
// at a cancel.
class CountingWriter : public Writer {
 public:
  CountingWriter(Writer& out, const Descriptor& blob, uint64_t& pos) : out_(out), blob_(blob), pos_(pos) {}
  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (CancelRequested()) return CancelledError();
    if (blob_.size >= 0 && n > static_cast<uint64_t>(blob_.size) - pos_) {
      return DigestMismatch("blob " + blob_.digest.str() + ": the registry sent more than its size of " +
                            std::to_string(blob_.size) + " bytes");
    }
    HOIST_TRY(out_.Write(data, n));
    pos_ += n;
    return Ok();
  }

 private:
  Writer& out_;
  const Descriptor& blob_;
  uint64_t& pos_;
};

Error NoRangeError(int status) {
  return Error(ErrorCode::kUnsupported,
               "the registry does not continue downloads by Range (answered " + std::to_string(status) + ")");
}

Status Download(const registry::Repository& repo, const Descriptor& blob, uint64_t offset, Writer& sink) {
  const std::string context = "get blob " + blob.digest.str() + " from " + repo.display_name();
  const uint64_t size = static_cast<uint64_t>(blob.size);
  uint64_t pos = offset;
  for (int resumes = 0;; ++resumes) {
    if (pos >= size && blob.size >= 0 && pos > 0) return Ok();
    const uint64_t start = pos;
    registry::Request req;
    req.url = repo.Url("/blobs/" + blob.digest.str());
    if (start > 0) req.SetHeader("Range", "bytes=" + std::to_string(start) + "-");
    CountingWriter out(sink, blob, pos);
    req.sink = &out;
    if (start > 0) {
      // A registry that ignores Range sends the whole blob: refused before its first byte would
      // land after the bytes already held; the destination then starts the blob over.
      req.accept_body = [&](const registry::Response& resp) -> Status {
        if (resp.status == 206) return Ok();
        return NoRangeError(resp.status);
      };
    }
    Result<registry::Response> r = repo.http().Do(req);
    if (!r.ok()) {
      if (r.error().retryable() && pos > start && resumes < kMaxResumes && !CancelRequested()) continue;
      if (CancelRequested()) return CancelledError();
      return std::move(r).error().WithContext(context);
    }
    if (r->status == 416 && start > 0) return Ok();  // nothing past what we hold
    if (!r->ok()) return registry::ErrorFromResponse(*r).WithContext(context);
    if (start > 0 && r->status != 206) return NoRangeError(r->status).WithContext(context);
    return Ok();
  }
}

}  // namespace

Status WriteRegistryBlob(const registry::Repository& repo, const Descriptor& blob, uint64_t offset, Writer& out,
                         const std::function<void()>& on_done) {
  if (blob.size >= 0 && offset > static_cast<uint64_t>(blob.size)) {
    return InvalidArgument("offset past the end of blob " + blob.digest.str());
  }
  HOIST_TRY(Download(repo, blob, offset, out));
  if (on_done) on_done();
  return Ok();
}

Result<std::unique_ptr<Reader>> OpenRegistryBlob(const registry::Repository& repo, const Descriptor& blob,
                                                 uint64_t offset, std::function<void()> on_done) {
  if (blob.size >= 0 && offset > static_cast<uint64_t>(blob.size)) {
    return InvalidArgument("offset past the end of blob " + blob.digest.str());
  }
  if (blob.size >= 0 && static_cast<uint64_t>(blob.size) - offset <= kPipeCapacity) {
    StringWriter small(static_cast<size_t>(blob.size) - offset);
    HOIST_TRY(Download(repo, blob, offset, small));
    if (on_done) on_done();
    return std::unique_ptr<Reader>(std::make_unique<StringReader>(small.Take()));
  }
  return ReadFromProducer(
      [repo, blob, offset, on_done = std::move(on_done)](BlobPipe& pipe) {
        Status s = Download(repo, blob, offset, pipe);
        if (s.ok() && on_done) on_done();
        return s;
      },
      kPipeCapacity);
}

}  // namespace hoist::transfer
