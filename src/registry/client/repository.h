#pragma once
// The OCI Distribution API for one repository: blobs, uploads (monolithic, chunked, resumed,
// mounted), manifests, tags and referrers. A Repository is cheap to copy and its methods are
// const and thread-safe: all state lives in the HttpClient (which already carries TLS, retry and
// auth) and, for uploads, in the caller's UploadSession.
//
// Every digest is checked by hoist: downloads are hashed as they stream, and a registry's
// Docker-Content-Digest is only ever compared with what hoist computed, never taken on trust.
// Errors carry the registry's own code (RegistryDetails) plus what was being done
// ("get blob sha256:… from 127.0.0.1:5000/app: …").

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/descriptor.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/io.h"
#include "registry/client/blob_sink.h"
#include "registry/client/upload_session.h"
#include "registry/http/http_client.h"

namespace hoist::registry {

struct BlobInfo {
  Digest digest = Digest::Of("");  // the digest asked for
  int64_t size = -1;  // Content-Length; -1 when the registry sent none
};

struct GetBlobOptions {
  // Resuming a download across runs: the sink already holds the blob's first `offset` bytes and
  // `prefix` reads those same bytes (exactly `offset` of them), so the digest check still covers
  // the whole blob. Required when offset > 0.
  uint64_t offset = 0;
  Reader* prefix = nullptr;
  // When known (>= 0), more or fewer bytes than this is a kDigestMismatch.
  int64_t expected_size = -1;
  // A connection that breaks after some bytes arrived is continued with `Range: bytes=N-` up to
  // this many times. Failures before the first byte are the HttpClient's (retry layer's) business.
  int max_resumes = 5;
};

struct ManifestInfo {
  std::string media_type;  // Content-Type without parameters
  Digest digest = Digest::Of("");  // asked for; for a tag, the registry's Docker-Content-Digest
  int64_t size = -1;
};

struct FetchedManifest {
  std::string bytes;       // exactly as served
  std::string media_type;  // Content-Type without parameters (or the document's mediaType)
  Digest digest = Digest::Of("");  // computed by hoist over `bytes`
};

struct ChunkedUploadOptions {
  // Raised to the registry's OCI-Chunk-Min-Length if larger. Each chunk is held in memory while
  // it is sent (see UploadChunk).
  uint64_t chunk_size = 8 << 20;
  // Called after every chunk the registry accepted, with the session to persist.
  std::function<void(const UploadSession&)> on_progress = nullptr;
};

struct MountResult {
  bool mounted = false;                  // 201: the blob is now in this repository
  std::optional<UploadSession> session = std::nullopt;  // 202: the registry opened an upload instead; use it
};

struct ListOptions {
  int page_size = 0;      // n=…; 0 lets the registry choose
  std::string last = "";  // start after this entry
  size_t max_pages = 10'000;
};

class Repository {
 public:
  // base_url: "http://127.0.0.1:5000" or "https://host[:port]" (no path); name: "team/app".
  static Result<Repository> Open(std::shared_ptr<HttpClient> http, std::string_view base_url,
                                 std::string_view name);

  const std::string& base_url() const { return base_url_; }
  const std::string& name() const { return name_; }
  // "127.0.0.1:5000/team/app", as messages name the repository.
  std::string display_name() const;

  // --- blobs (blobs.cc)
  // nullopt when the registry does not have it (404).
  Result<std::optional<BlobInfo>> HeadBlob(const Digest& digest) const;
  // Streams the blob into `sink`, hashing as it goes; fails with kDigestMismatch (after writing)
  // when the bytes are not what `digest` names. On failure the sink holds a partial or wrong
  // blob: the caller discards it or keeps the verified-free prefix to resume later.
  Status GetBlob(const Digest& digest, BlobSink& sink, const GetBlobOptions& options = {}) const;
  Status DeleteBlob(const Digest& digest) const;

  // --- upload steps (uploads.cc); each keeps `session` current (newest Location, offset)
  // POST /v2/<name>/blobs/uploads/ → 202 + Location.
  Result<UploadSession> StartUpload() const;
  // POST ?mount=<digest>&from=<repository> → 201 mounted, or 202 with a session to upload into.
  Result<MountResult> MountBlob(const Digest& digest, std::string_view from_repository) const;
  // Asks the registry where a saved session stands (GET location → 204 + Range). The returned
  // session's offset is the registry's: continue the blob from that byte. An expired or unknown
  // session is kNotFound (BLOB_UPLOAD_INVALID / BLOB_UPLOAD_UNKNOWN): start a new upload.
  Result<UploadSession> ResumeUpload(const UploadSession& saved) const;
  // PATCH exactly `size` bytes read from `chunk` at session.offset. The chunk is read into memory
  // first, so a failing source leaves the session as it was. A PATCH that breaks mid-body may
  // leave part of it on the registry, which Distribution then refuses to resume (kNotFound from
  // ResumeUpload): the blob must be uploaded afresh. The registry's Range after the PATCH is
  // checked against our own offset (kConflict when they disagree).
  Status UploadChunk(UploadSession& session, Reader& chunk, uint64_t size) const;
  // The same without the buffer: `size` bytes are streamed from `chunk` as they are sent. A
  // source that fails mid-chunk leaves a cut PATCH (which Distribution keeps, ending the session);
  // `rewind` (may be empty: no retry) puts `chunk` back at the chunk's start for a resend.
  Status UploadChunkStreamed(UploadSession& session, Reader& chunk, uint64_t size,
                             std::function<Status()> rewind) const;
  // PUT ?digest=, optionally with the blob's last `size` bytes as the body (size < 0: all that
  // `last` yields, sent with chunked encoding); expects 201 and a Docker-Content-Digest (if
  // sent) equal to `digest`.
  // `rewind` (may be empty) puts `last` back at its start, so a PUT the registry must get again
  // (503, 429, a reset before the answer) is resent instead of failing.
  Status FinishUpload(UploadSession& session, const Digest& digest, Reader* last = nullptr,
                      int64_t size = 0, std::function<Status()> rewind = nullptr) const;
  // DELETE location: the registry drops the partial upload.
  Status CancelUpload(const UploadSession& session) const;

  // --- whole-blob pushes (blob_push.cc)
  // Monolithic: POST, then PUT ?digest= with the whole body (size < 0: chunked transfer encoding).
  Status PutBlob(Reader& content, const Digest& digest, int64_t size,
                 std::function<Status()> rewind = nullptr) const;
  // Chunked: POST, PATCH chunk by chunk, PUT ?digest=.
  Status PutBlobChunked(Reader& content, const Digest& digest, uint64_t size,
                        const ChunkedUploadOptions& options = {}) const;
  // Sends the rest of a blob into an open session: `rest` yields bytes [session.offset, size).
  Status ContinueUpload(UploadSession& session, Reader& rest, const Digest& digest, uint64_t size,
                        const ChunkedUploadOptions& options = {}) const;

  // --- manifests (manifests.cc); `reference` is a tag or a digest ("sha256:…")
  // Accepts OCI manifest/index and Docker schema 2 manifest/list (never schema 1). Read up to
  // kMaxManifestSize; fetched by digest, the bytes must match it.
  Result<FetchedManifest> GetManifest(std::string_view reference) const;
  // nullopt on 404.
  Result<std::optional<ManifestInfo>> HeadManifest(std::string_view reference) const;
  // PUT with Content-Type `media_type` under `tag`, or under its own digest when tag is empty.
  Result<Digest> PutManifest(std::string_view bytes, std::string_view media_type,
                             std::string_view tag = "") const;
  // DELETE by digest; a tag is first resolved to its digest with HEAD (which deletes the
  // manifest, and with it every tag pointing at it).
  Status DeleteManifest(std::string_view reference) const;

  // --- tags (listing.cc): every page, following Link rel="next"
  Result<std::vector<std::string>> ListTags(const ListOptions& options = {}) const;

  // --- referrers (referrers.cc)
  // GET /v2/<name>/referrers/<digest>; on 404 the tag-schema fallback (tag "sha256-<hex>"
  // holding an index). Empty when there are none. Filtered by artifact type when one is given.
  Result<std::vector<Descriptor>> ListReferrers(const Digest& subject,
                                                std::string_view artifact_type = "") const;

  // "<base>/v2/<name><suffix>"
  std::string Url(std::string_view suffix) const;
  HttpClient& http() const { return *http_; }

 private:
  Repository(std::shared_ptr<HttpClient> http, std::string base_url, std::string name)
      : http_(std::move(http)), base_url_(std::move(base_url)), name_(std::move(name)) {}

  std::shared_ptr<HttpClient> http_;
  std::string base_url_;
  std::string name_;
};

// The tag under which the referrers tag schema keeps the referrers of `subject`: "sha256-<hex>".
std::string ReferrersTag(const Digest& subject);

}  // namespace hoist::registry
