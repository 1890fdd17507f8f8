// /v2/<name>/blobs/uploads/[<id>]: POST (new session, monolithic with ?digest=, cross-repository
// mount), PATCH (a chunk, checked against Content-Range), PUT (last chunk and ?digest=), GET
// (status: the Range received so far) and DELETE.
#include <charconv>

#include "serve/api_errors.h"
#include "serve/exchanges.h"
#include "serve/handlers.h"

namespace hoist::serve {

namespace {

std::string UploadUrl(const Route& r, const std::string& id) { return "/v2/" + r.name + "/blobs/uploads/" + id; }

// What Distribution reports: "0-<last byte>", and "0-0" for an empty session.
std::string RangeOf(uint64_t size) { return "0-" + std::to_string(size == 0 ? 0 : size - 1); }

Response SessionStatus(int status, const Route& r, const std::string& id, uint64_t size) {
  Response out(status);
  out.Set("Location", UploadUrl(r, id));
  out.Set("Range", RangeOf(size));
  out.Set("Docker-Upload-UUID", id);
  return out;
}

Response BlobCreated(const Route& r, const Digest& d) {
  Response out(201);
  out.Set("Location", "/v2/" + r.name + "/blobs/" + d.str());
  out.Set("Docker-Content-Digest", d.str());
  return out;
}

Response SessionError(const Error& e, const std::string& id) {
  switch (e.code()) {
    case ErrorCode::kNotFound: return ApiError(404, "BLOB_UPLOAD_UNKNOWN", e.message());
    case ErrorCode::kConflict: return ApiError(409, "BLOB_UPLOAD_INVALID", e.message());
    case ErrorCode::kTooLarge: return ApiError(413, "SIZE_INVALID", e.message());
    case ErrorCode::kDigestMismatch: return ApiError(400, "DIGEST_INVALID", e.message());
    default: return ApiError(500, "UNKNOWN", "upload " + id + ": " + e.ToString());
  }
}

// "<first>-<last>" (Distribution's form) or "bytes <first>-<last>/<size>".
std::optional<uint64_t> ContentRangeStart(std::string v) {
  if (v.rfind("bytes ", 0) == 0) v = v.substr(6);
  size_t dash = v.find('-');
  if (dash == std::string::npos || dash == 0) return std::nullopt;
  uint64_t first = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + dash, first);
  if (ec != std::errc() || end != v.data() + dash) return std::nullopt;
  return first;
}

// Streams a request body into a session, then answers through `finish`.
class SessionExchange : public Exchange {
 public:
  using Finish_ = std::function<Response(UploadSessions::Lease&)>;
  SessionExchange(std::unique_ptr<UploadSessions::Lease> lease, Finish_ finish)
      : lease_(std::move(lease)), finish_(std::move(finish)) {}
  std::optional<Response> Body(const char* data, size_t n) override {
    Status wrote = lease_->Append(data, n);
    if (!wrote.ok()) return SessionError(wrote.error(), "");
    return std::nullopt;
  }
  std::optional<Response> Announce(uint64_t content_length) override {
    Status fits = lease_->Fits(content_length);
    if (!fits.ok()) return SessionError(fits.error(), "");
    return std::nullopt;
  }
  Response Finish() override { return finish_(*lease_); }

 private:
  std::unique_ptr<UploadSessions::Lease> lease_;
  Finish_ finish_;
};

Response CommitSession(ServedLayout& s, const Route& r, UploadSessions::Lease& lease, const std::string& digest_text,
                       const std::string& id) {
  auto digest = Digest::Parse(digest_text);
  if (!digest.ok()) return ApiError(400, "DIGEST_INVALID", "?digest=: " + digest.error().message());
  Status done = s.uploads().Commit(lease, *digest);
  if (!done.ok()) return SessionError(done.error(), id);
  return BlobCreated(r, *digest);
}

std::unique_ptr<Exchange> StartUpload(ServedLayout& s, const Request& req, const Route& r) {
  auto name = s.LayoutName(r.name);
  if (!name.ok()) return Answer(LookupError(name.error()));
  if (auto mount = req.Query("mount")) {
    auto d = Digest::Parse(*mount);
    if (!d.ok()) return Answer(ApiError(400, "DIGEST_INVALID", "?mount=: " + d.error().message()));
    // One blob store for every repository: a blob present anywhere mounts.
    if (s.layout().HasBlob(*d)) return Answer(BlobCreated(r, *d));
  }
  auto digest = req.Query("digest");
  if (digest) {
    auto d = Digest::Parse(*digest);
    if (!d.ok()) return Answer(ApiError(400, "DIGEST_INVALID", "?digest=: " + d.error().message()));
  }
  auto id = s.uploads().Create();
  if (!id.ok()) {
    if (id.error().code() == ErrorCode::kTooLarge) return Answer(ApiError(429, "TOOMANYREQUESTS", id.error().message()));
    return Answer(SessionError(id.error(), ""));
  }
  if (!digest) return Answer(SessionStatus(202, r, *id, 0));
  // Monolithic: the body is the blob.
  auto lease = s.uploads().Acquire(*id);
  if (!lease.ok()) return Answer(SessionError(lease.error(), *id));
  return std::make_unique<SessionExchange>(
      std::move(lease).value(), [&s, r, d = *digest, id = *id](UploadSessions::Lease& l) {
        return CommitSession(s, r, l, d, id);
      });
}

std::unique_ptr<Exchange> SessionRequest(ServedLayout& s, const Request& req, const Route& r) {
  auto name = s.LayoutName(r.name);
  if (!name.ok()) return Answer(LookupError(name.error()));
  const std::string id = r.target;
  if (!UploadSessions::ValidId(id)) {
    return Answer(ApiError(404, "BLOB_UPLOAD_UNKNOWN", "no upload session is named \"" + id.substr(0, 64) + "\""));
  }
  if (req.method == "GET") {
    auto size = s.uploads().Size(id);
    if (!size.ok()) return Answer(SessionError(size.error(), id));
    return Answer(SessionStatus(204, r, id, *size));
  }
  if (req.method == "DELETE") {
    Status gone = s.uploads().Cancel(id);
    if (!gone.ok()) return Answer(SessionError(gone.error(), id));
    return Answer(Response(204));
  }
  if (req.method != "PATCH" && req.method != "PUT") return Answer(MethodNotAllowed(req, "GET, PATCH, PUT, DELETE"));
  // Refusals from here on are answered as soon as the body is announced, under their own status:
  // a small-body Answer would call any PATCH body too large and hide why.
  auto lease = s.uploads().Acquire(id);
  if (!lease.ok()) return std::make_unique<RefusalExchange>(SessionError(lease.error(), id));
  if (std::string cr = req.Header("content-range"); !cr.empty()) {
    auto start = ContentRangeStart(cr);
    if (!start || *start != (*lease)->size()) {
      // The client's idea of the offset is wrong: tell it where the session stands.
      Response out = ApiError(416, "BLOB_UPLOAD_INVALID",
                              "Content-Range " + cr.substr(0, 80) + " does not start at the " +
                                  std::to_string((*lease)->size()) + " bytes this upload holds");
      out.Set("Location", UploadUrl(r, id));
      out.Set("Range", RangeOf((*lease)->size()));
      return std::make_unique<RefusalExchange>(std::move(out));
    }
  }
  if (req.method == "PATCH") {
    return std::make_unique<SessionExchange>(std::move(lease).value(), [r, id](UploadSessions::Lease& l) {
      return SessionStatus(202, r, id, l.size());
    });
  }
  auto digest = req.Query("digest");
  if (!digest) {
    return std::make_unique<RefusalExchange>(ApiError(400, "DIGEST_INVALID", "the final PUT of an upload needs ?digest="));
  }
  return std::make_unique<SessionExchange>(
      std::move(lease).value(),
      [&s, r, d = *digest, id](UploadSessions::Lease& l) { return CommitSession(s, r, l, d, id); });
}

}  // namespace

std::unique_ptr<Exchange> UploadRequest(ServedLayout& s, const Request& req, const Route& r) {
  const bool start = r.kind == Route::Kind::kUploadStart;
  if (start && req.method != "POST") return Answer(MethodNotAllowed(req, "POST"));
  if (req.method != "GET" && s.options().read_only) return Answer(ReadOnlyRefusal());
  if (s.options().read_only) return Answer(ApiError(404, "BLOB_UPLOAD_UNKNOWN", "this registry is read-only"));
  return start ? StartUpload(s, req, r) : SessionRequest(s, req, r);
}

}  // namespace hoist::serve
