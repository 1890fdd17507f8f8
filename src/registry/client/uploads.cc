// The upload protocol's steps: start (POST), mount, status (GET), chunk (PATCH), finish (PUT),
// cancel (DELETE). Each step keeps the caller's UploadSession current; the drivers that push a
// whole blob with them are in blob_push.cc.

#include <new>

#include "core/reference.h"
#include "registry/client/chunk_memory.h"
#include "registry/client/client_util.h"
#include "registry/client/range_header.h"
#include "registry/client/repository.h"
#include "registry/registry_errors.h"

namespace hoist::registry {

namespace {

using client_detail::AppendQuery;
using client_detail::CheckReportedDigest;
using client_detail::HttpError;
using client_detail::LocationOf;
using client_detail::Send;
using client_detail::UnexpectedStatus;

constexpr std::string_view kOctetStream = "application/octet-stream";

// A session from a 202 answer that opened an upload.
Result<UploadSession> SessionFrom(const Response& resp, const std::string& request_url,
                                  const std::string& context) {
  UploadSession session;
  HOIST_TRY_ASSIGN(session.location, LocationOf(resp, request_url, context));
  if (auto min = resp.Header("OCI-Chunk-Min-Length")) {
    if (auto n = ParseDecimal(*min)) session.min_chunk = *n;
  }
  return session;
}

// Names the chunk in errors: which bytes, of what upload.
std::string ChunkContext(const UploadSession& session, uint64_t size, const std::string& repository) {
  return "upload bytes " + std::to_string(session.offset) + "-" + std::to_string(session.offset + size) +
         " of a blob to " + repository;
}

}  // namespace

Result<UploadSession> Repository::StartUpload() const {
  const std::string context = "start a blob upload to " + display_name();
  Request req;
  req.method = "POST";
  req.url = Url("/blobs/uploads/");
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (!resp.ok()) return HttpError(resp, context);
  if (resp.status != 202) return UnexpectedStatus(resp, "202", context);
  return SessionFrom(resp, req.url, context);
}

Result<MountResult> Repository::MountBlob(const Digest& digest,
                                          std::string_view from_repository) const {
  const std::string context = "mount blob " + digest.str() + " from " +
                              std::string(from_repository.substr(0, 255)) + " into " +
                              display_name();
  Status valid = Reference::ValidateRepository(from_repository);
  if (!valid.ok()) return std::move(valid).error().WithContext(context);
  Request req;
  req.method = "POST";
  req.url = AppendQuery(AppendQuery(Url("/blobs/uploads/"), "mount", digest.str()), "from",
                        from_repository);
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (!resp.ok()) return HttpError(resp, context);
  MountResult out;
  if (resp.status == 201) {
    HOIST_TRY(CheckReportedDigest(resp, digest, context));
    out.mounted = true;
    return out;
  }
  if (resp.status != 202) return UnexpectedStatus(resp, "201 or 202", context);
  HOIST_TRY_ASSIGN(out.session, SessionFrom(resp, req.url, context));
  return out;
}

Result<UploadSession> Repository::ResumeUpload(const UploadSession& saved) const {
  const std::string context = "resume the blob upload to " + display_name();
  Request req;
  req.url = saved.location;
  req.follow_redirects = false;
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (resp.status == 404) {
    // BLOB_UPLOAD_INVALID (stale state) or BLOB_UPLOAD_UNKNOWN: either way the session is gone.
    Error e = client_detail::HttpError(resp, context);
    return Error(ErrorCode::kNotFound,
                 e.message() + " (the upload expired or moved on: start a new one)")
        .WithRegistry(*e.registry())
        .WithContext(context);
  }
  if (!resp.ok()) return HttpError(resp, context);
  if (resp.status != 204 && resp.status != 200) return UnexpectedStatus(resp, "204", context);
  UploadSession session = saved;
  if (resp.Header("Location")) {
    HOIST_TRY_ASSIGN(session.location, LocationOf(resp, req.url, context));
  }
  Result<uint64_t> held = UploadedBytes(resp.Header("Range"), saved.offset);
  if (!held.ok()) return std::move(held).error().WithContext(context);
  session.offset = *held;
  return session;
}

Status Repository::UploadChunk(UploadSession& session, Reader& chunk, uint64_t size) const {
  const std::string context = ChunkContext(session, size, display_name());
  if (size == 0) return Ok();
  const ChunkMemory::Lease memory = ChunkMemory::Shared().Acquire(size);
  // Read before sending: a source that fails mid-chunk must not leave a partial PATCH behind,
  // which Distribution keeps and which then invalidates the session for good.
  std::string buffer;
  try {
    buffer.resize(static_cast<size_t>(size));
  } catch (const std::bad_alloc&) {
    return TooLarge("a chunk of " + std::to_string(size) + " bytes does not fit in memory")
        .WithContext(context);
  }
  Status read = ReadFull(chunk, buffer.data(), buffer.size());
  if (!read.ok()) return std::move(read).error().WithContext(context + ": reading the content");
  client_detail::ViewReader body(buffer);
  return UploadChunkStreamed(session, body, size, [&body] {
    body.Rewind();
    return Ok();
  });
}

Status Repository::UploadChunkStreamed(UploadSession& session, Reader& chunk, uint64_t size,
                                       std::function<Status()> rewind) const {
  const std::string context = ChunkContext(session, size, display_name());
  if (size == 0) return Ok();
  client_detail::ExactReader body(chunk, size);
  Request req;
  req.method = "PATCH";
  req.url = session.location;
  req.SetHeader("Content-Type", std::string(kOctetStream));
  req.SetHeader("Content-Range", std::to_string(session.offset) + "-" +
                                     std::to_string(session.offset + size - 1));
  req.body = &body;
  req.body_size = static_cast<int64_t>(size);
  // Resending is safe: if the registry kept part of a failed attempt, the Range check below
  // (or the stale state token's 404) says so rather than corrupt the blob.
  if (rewind) {
    req.rewind = [&body, size, rewind = std::move(rewind)]() -> Status {
      HOIST_TRY(rewind());
      body.Reset(size);
      return Ok();
    };
  }
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (!resp.ok()) return HttpError(resp, context);
  if (resp.status != 202) return UnexpectedStatus(resp, "202", context);
  HOIST_TRY_ASSIGN(std::string next, LocationOf(resp, req.url, context));
  const uint64_t expected = session.offset + size;
  if (auto range = resp.Header("Range")) {
    Result<uint64_t> held = UploadedBytes(*range, expected);
    if (!held.ok()) return std::move(held).error().WithContext(context);
    if (*held != expected) {
      return Error(ErrorCode::kConflict,
                   "the registry holds " + std::to_string(*held) + " bytes of the upload where " +
                       std::to_string(expected) + " were sent: the upload is out of step")
          .WithContext(context);
    }
  }
  session.location = std::move(next);
  session.offset = expected;
  return Ok();
}

Status Repository::FinishUpload(UploadSession& session, const Digest& digest, Reader* last,
                                int64_t size, std::function<Status()> rewind) const {
  const std::string context = "complete the upload of blob " + digest.str() + " to " +
                              display_name();
  std::optional<client_detail::ExactReader> body;
  Request req;
  req.method = "PUT";
  req.url = AppendQuery(session.location, "digest", digest.str());
  if (last != nullptr) {
    if (size >= 0) {
      body.emplace(*last, static_cast<uint64_t>(size));
      req.body = &*body;
    } else {
      req.body = last;
    }
    req.body_size = size;
    req.SetHeader("Content-Type", std::string(kOctetStream));
    if (rewind && size >= 0) {
      req.rewind = [&body, size, rewind = std::move(rewind)]() -> Status {
        HOIST_TRY(rewind());
        body->Reset(static_cast<uint64_t>(size));
        return Ok();
      };
    }
  }
  const bool replayable = last == nullptr || req.rewind != nullptr;
  Result<Response> sent = Send(*http_, req, context);
  if (sent.ok() && sent->status == 201) {
    HOIST_TRY(CheckReportedDigest(*sent, digest, context));
    if (last != nullptr && size > 0) session.offset += static_cast<uint64_t>(size);
    return Ok();
  }
  // A PUT that went through but whose answer was lost (then retried into a 404) left the blob
  // in place: that is success.
  bool maybe_done = sent.ok() ? sent->status == 404 : sent.error().retryable();
  if (maybe_done && replayable) {
    Result<std::optional<BlobInfo>> there = HeadBlob(digest);
    if (there.ok() && there->has_value()) return Ok();
  }
  if (!sent.ok()) return std::move(sent).error();
  if (!sent->ok()) return HttpError(*sent, context);
  return UnexpectedStatus(*sent, "201", context);
}

Status Repository::CancelUpload(const UploadSession& session) const {
  const std::string context = "cancel the blob upload to " + display_name();
  Request req;
  req.method = "DELETE";
  req.url = session.location;
  HOIST_TRY_ASSIGN(Response resp, Send(*http_, req, context));
  if (resp.status == 404) return Ok();  // already gone
  if (!resp.ok()) return HttpError(resp, context);
  return Ok();
}

}  // namespace hoist::registry
