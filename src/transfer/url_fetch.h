#pragma once
// One file fetched over HTTP(S), for `ADD URL` in build/: a GET through the registry module's HTTP
// stack (CurlClient: proxies from the environment as curl reads them, per-host TLS from certs.d,
// --ca-file and --tls-verify, redirects followed by its own bounded loop; RetryingClient around it
// for transient failures). No credential is ever sent: no Authorization header is set and a URL
// carrying user:password@ is refused. The body streams into a file written atomically, hashed on
// the way and bounded in size; with an expected digest a different body leaves no file behind.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/error.h"
#include "registry/http/curl_client.h"
#include "registry/retry.h"

namespace hoist::transfer {

struct UrlFetchOptions {
  registry::HttpClientOptions http;  // TLS settings and timeouts; max_redirects bounds the hops
  registry::RetryPolicy retry;
  uint64_t max_size = uint64_t{8} << 30;  // a longer body fails with kTooLarge
};

struct FetchedUrl {
  Digest digest = Digest::Of("");  // of the body: sha256, or the expected digest's algorithm
  uint64_t size = 0;
  std::optional<int64_t> last_modified;  // the Last-Modified header, in seconds since the epoch
};

// GETs `url` into `path` (created atomically with exactly `mode`). Errors name the URL without its
// query: a non-2xx answer is kNotFound for 404/410 and the status's class otherwise; a body whose
// digest is not `expected` is kDigestMismatch. On any error `path` is left untouched.
Result<FetchedUrl> FetchUrl(const std::string& url, const std::string& path, const std::optional<Digest>& expected,
                            const UrlFetchOptions& options, mode_t mode = 0600);

// The last element of the URL's percent-decoded path, trailing slashes ignored, as docker names
// ADD's file ("https://h/dl/app%201.tgz?x" → "app 1.tgz", "https://h/dir/" → "dir"); "" when
// there is none ("https://h/") or it is no usable file name ("." or "..", or holding a NUL).
std::string UrlFileName(std::string_view url);

// True for http:// and https:// URLs (scheme compared case-insensitively).
bool IsHttpUrl(std::string_view text);

}  // namespace hoist::transfer
