// /v2/<name>/blobs/<digest>: GET (with Range) and HEAD, the body sent from the file (sendfile).
// Blobs are shared by every repository of the layout, as the store shares them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/api_errors.h"
#include "serve/byte_range.h"
#include "serve/exchanges.h"
#include "serve/handlers.h"

namespace hoist::serve {

namespace {

Response GetBlob(ServedLayout& s, const Request& req, const Route& r) {
  auto name = s.LayoutName(r.name);
  if (!name.ok()) return LookupError(name.error());
  auto digest = Digest::Parse(r.target);
  if (!digest.ok()) return ApiError(400, "DIGEST_INVALID", digest.error().message());
  int fd = ::open(s.layout().paths().Blob(*digest).c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) ::close(fd);
    return ApiError(404, "BLOB_UNKNOWN", "blob " + digest->str() + " is not in this registry");
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  Response out(200);
  out.fd = fd;
  out.fd_length = size;
  if (std::string range = req.Header("range"); !range.empty() && req.method == "GET") {
    auto span = ParseByteRange(range, size);
    if (!span) {
      Response bad = ApiError(416, "BLOB_UNKNOWN", "the Range \"" + range.substr(0, 100) +
                                                   "\" is not satisfiable for a blob of " + std::to_string(size) +
                                                   " bytes");
      bad.Set("Content-Range", "bytes */" + std::to_string(size));
      return bad;
    }
    out.status = 206;
    out.fd_offset = span->first;
    out.fd_length = span->length;
    out.Set("Content-Range", "bytes " + std::to_string(span->first) + "-" +
                                 std::to_string(span->first + span->length - 1) + "/" + std::to_string(size));
  }
  out.Set("Content-Type", "application/octet-stream");
  out.Set("Docker-Content-Digest", digest->str());
  out.Set("Accept-Ranges", "bytes");
  out.Set("ETag", "\"" + digest->str() + "\"");
  out.Set("Cache-Control", "max-age=31536000");
  return out;
}

}  // namespace

std::unique_ptr<Exchange> BlobRequest(ServedLayout& s, const Request& req, const Route& r) {
  if (req.method == "GET" || req.method == "HEAD") return Answer([&s, &req, r] { return GetBlob(s, req, r); });
  if (req.method != "DELETE") return Answer(MethodNotAllowed(req, "GET, HEAD, DELETE"));
  if (s.options().read_only) return Answer(ReadOnlyRefusal());
  // Blobs are shared by every repository and image of the layout: removing one here could break
  // another image. `hoist prune` removes the blobs nothing names, under the store's gc lock.
  return Answer(ApiError(405, "UNSUPPORTED",
                         "blobs are shared by every repository here and are not deleted one by one: delete the "
                         "manifests, then run `hoist prune` on the served directory"));
}

}  // namespace hoist::serve
