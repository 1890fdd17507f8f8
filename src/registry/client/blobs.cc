// Blob reads: HEAD, GET (hashed while streaming, continued by Range after a broken connection),
// DELETE.

#include <cstdint>

#include "registry/client/client_util.h"
#include "registry/client/range_header.h"
#include "registry/client/repository.h"

namespace hoist::registry {

namespace {

using client_detail::HttpError;
using client_detail::Send;
using client_detail::UnexpectedStatus;

// Between the HTTP layer and the caller's sink: counts, hashes and bounds what is written.
class VerifyingSink : public Writer {
 public:
  VerifyingSink(BlobSink& sink, DigestAlgorithm alg, int64_t expected_size)
      : sink_(sink), alg_(alg), hasher_(alg), expected_size_(expected_size) {}

  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (expected_size_ >= 0 && total_ + n > static_cast<uint64_t>(expected_size_)) {
      overflowed_ = true;
      return DigestMismatch("the registry sent more than the blob's size of " +
                            std::to_string(expected_size_) + " bytes");
    }
    HOIST_TRY(sink_.Write(data, n));
    hasher_.Update(data, n);
    total_ += n;
    return Ok();
  }

  // Hashes bytes the sink already holds (a download resumed across runs).
  Status HashPrefix(Reader& prefix, uint64_t size) {
    client_detail::ExactReader exact(prefix, size);
    char buf[64 * 1024];
    for (;;) {
      HOIST_TRY_ASSIGN(size_t n, exact.Read(buf, sizeof buf));
      if (n == 0) break;
      hasher_.Update(buf, n);
      total_ += n;
    }
    return Ok();
  }

  // The registry did not continue where we stopped: start the blob over.
  Status Restart() {
    HOIST_TRY(sink_.Reset());
    hasher_ = Hasher(alg_);
    total_ = 0;
    overflowed_ = false;
    return Ok();
  }

  uint64_t total() const { return total_; }
  bool overflowed() const { return overflowed_; }
  Digest Finish() { return hasher_.Finish(); }

 private:
  BlobSink& sink_;
  DigestAlgorithm alg_;
  Hasher hasher_;
  int64_t expected_size_;
  uint64_t total_ = 0;
  bool overflowed_ = false;
};

// A 206 that continues exactly at `start`.
bool ContinuesAt(const Response& resp, uint64_t start) {
  if (resp.status != 206) return false;
  std::optional<std::string> range = resp.Header("Content-Range");
  if (!range) return true;  // nothing says otherwise
  Result<ContentRange> parsed = ParseContentRange(*range);
  return parsed.ok() && parsed->first == start;
}

}  // namespace

Result<std::optional<BlobInfo>> Repository::HeadBlob(const Digest& digest) const {
  const std::string context = "check blob " + digest.str() + " in " + display_name();
  Request req;
  req.method = "HEAD";
  req.url = Url("/blobs/" + digest.str());
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (resp.status == 404) return std::optional<BlobInfo>();
  if (!resp.ok()) return HttpError(resp, context);
  if (resp.status != 200) return UnexpectedStatus(resp, "200", context);
  BlobInfo info{digest, -1};
  if (auto length = resp.Header("Content-Length")) {
    if (auto n = ParseDecimal(*length); n && *n <= static_cast<uint64_t>(INT64_MAX)) {
      info.size = static_cast<int64_t>(*n);
    }
  }
  return std::optional<BlobInfo>(info);
}

Status Repository::GetBlob(const Digest& digest, BlobSink& sink,
                           const GetBlobOptions& options) const {
  const std::string context = "get blob " + digest.str() + " from " + display_name();
  if (options.offset > 0 && options.prefix == nullptr) {
    return InvalidArgument("resuming a download at byte " + std::to_string(options.offset) +
                           " needs a reader over the bytes already held")
        .WithContext(context);
  }
  VerifyingSink out(sink, digest.algorithm(), options.expected_size);
  if (options.offset > 0) {
    Status hashed = out.HashPrefix(*options.prefix, options.offset);
    if (!hashed.ok()) {
      return std::move(hashed).error().WithContext(context + ": reading the bytes already held");
    }
  }

  for (int resumes = 0;;) {
    const uint64_t start = out.total();
    if (start > 0 && options.expected_size >= 0 &&
        start == static_cast<uint64_t>(options.expected_size)) {
      break;  // everything is here already
    }
    Request req;
    req.url = Url("/blobs/" + digest.str());
    if (start > 0) req.SetHeader("Range", "bytes=" + std::to_string(start) + "-");
    req.sink = &out;
    Result<Response> r = http_->Do(req);

    bool restart = false;
    if (!r.ok()) {
      // A Range answered with the whole blob overflows the expected size.
      restart = start > 0 && out.overflowed();
      bool resumable = r.error().retryable() && out.total() > start;
      if ((!restart && !resumable) || resumes >= options.max_resumes) {
        return std::move(r).error().WithContext(context);
      }
    } else {
      const Response& resp = *r;
      if (resp.status == 416 && start > 0) break;  // nothing past what we hold: verify it
      if (!resp.ok()) return HttpError(resp, context);
      if (start == 0 && resp.status != 200) return UnexpectedStatus(resp, "200", context);
      if (start == 0 || ContinuesAt(resp, start)) break;
      restart = true;  // a 200 (whole blob) or a 206 elsewhere: what we appended is wrong
      if (resumes >= options.max_resumes) {
        return Error(ErrorCode::kUnsupported,
                     "the registry does not continue downloads where they stopped (answered " +
                         std::to_string(resp.status) + " to Range bytes=" +
                         std::to_string(start) + "-)")
            .WithContext(context);
      }
    }
    ++resumes;
    if (restart) {
      Status s = out.Restart();
      if (!s.ok()) return std::move(s).error().WithContext(context);
    }
  }

  const uint64_t total = out.total();
  if (options.expected_size >= 0 && total != static_cast<uint64_t>(options.expected_size)) {
    return DigestMismatch("received " + std::to_string(total) + " bytes, but the blob's size is " +
                          std::to_string(options.expected_size))
        .WithContext(context);
  }
  Digest got = out.Finish();
  if (!(got == digest)) {
    return DigestMismatch("the downloaded content has digest " + got.str() +
                          ": the registry sent the wrong bytes or they were corrupted on the way")
        .WithContext(context);
  }
  return Ok();
}

Status Repository::DeleteBlob(const Digest& digest) const {
  const std::string context = "delete blob " + digest.str() + " from " + display_name();
  Request req;
  req.method = "DELETE";
  req.url = Url("/blobs/" + digest.str());
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (!resp.ok()) return HttpError(resp, context);
  return Ok();
}

}  // namespace hoist::registry
