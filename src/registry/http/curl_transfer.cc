#include "registry/http/curl_transfer.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "registry/http/sanitize.h"
#include "registry/http/tls_config.h"
#include "registry/http/url.h"

namespace hoist::registry::detail {

namespace {

// What the callbacks share with PerformOnce. Callbacks never throw: every failure is parked
// here and the transfer aborted.
struct TransferState {
  Request* req = nullptr;
  Response resp;
  std::optional<Error> callback_error;
  bool truncated = false;
  bool body_accepted = false;  // Request::accept_body said yes (or there is none)
  int64_t sent = 0;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

void ParseStatusLine(std::string_view line, Response& resp) {
  // "HTTP/1.1 404 Not Found" or "HTTP/2 404"
  size_t sp = line.find(' ');
  std::string_view rest = sp == std::string_view::npos ? "" : Trim(line.substr(sp + 1));
  int status = 0;
  size_t i = 0;
  for (; i < rest.size() && i < 3 && rest[i] >= '0' && rest[i] <= '9'; ++i) {
    status = status * 10 + (rest[i] - '0');
  }
  resp.status = i == 3 ? status : 0;
  resp.reason = std::string(Trim(rest.substr(i)));
  resp.headers.Clear();  // a new response block (after 100 Continue) starts afresh
}

size_t HeaderCallback(char* data, size_t size, size_t nitems, void* userp) noexcept {
  auto* st = static_cast<TransferState*>(userp);
  size_t len = size * nitems;
  try {
    std::string_view line = Trim(std::string_view(data, len));
    if (line.substr(0, 5) == "HTTP/") {
      ParseStatusLine(line, st->resp);
    } else if (!line.empty() && line.front() != ' ' && line.front() != '\t') {
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        st->resp.headers.Add(std::string(Trim(line.substr(0, colon))),
                             std::string(Trim(line.substr(colon + 1))));
      }
    }
    return len;
  } catch (...) {
    st->callback_error = Internal("out of memory while reading response headers");
    return 0;
  }
}

size_t WriteCallback(char* data, size_t size, size_t nitems, void* userp) noexcept {
  auto* st = static_cast<TransferState*>(userp);
  size_t len = size * nitems;
  try {
    if (st->resp.ok() && st->req->sink != nullptr) {
      if (!st->body_accepted && st->req->accept_body) {
        Status accepted = st->req->accept_body(st->resp);
        if (!accepted.ok()) {
          st->callback_error = std::move(accepted).error();
          return 0;
        }
      }
      st->body_accepted = true;
      Status s = st->req->sink->Write(data, len);
      if (!s.ok()) {
        st->callback_error = std::move(s).error();
        return 0;
      }
      return len;
    }
    uint64_t limit = st->req->max_buffered_body;
    uint64_t room = limit > st->resp.body.size() ? limit - st->resp.body.size() : 0;
    if (len <= room) {
      st->resp.body.append(data, len);
      return len;
    }
    // Keep what fits and stop reading: a 10 MB error page is not worth downloading.
    st->resp.body.append(data, static_cast<size_t>(room));
    st->truncated = true;
    return 0;
  } catch (...) {
    st->callback_error = Internal("out of memory while reading a response body");
    return 0;
  }
}

size_t ReadCallback(char* buf, size_t size, size_t nitems, void* userp) noexcept {
  auto* st = static_cast<TransferState*>(userp);
  const Request& req = *st->req;
  if (req.body == nullptr) return 0;
  try {
    size_t want = size * nitems;
    if (req.body_size >= 0) {
      want = static_cast<size_t>(
          std::min<int64_t>(static_cast<int64_t>(want), req.body_size - st->sent));
      if (want == 0) return 0;
    }
    Result<size_t> n = req.body->Read(buf, want);
    if (!n.ok()) {
      st->callback_error = std::move(n).error();
      return CURL_READFUNC_ABORT;
    }
    if (*n == 0 && req.body_size >= 0 && st->sent < req.body_size) {
      st->callback_error =
          ParseError("request body ended after " + std::to_string(st->sent) + " of its declared " +
                     std::to_string(req.body_size) + " bytes");
      return CURL_READFUNC_ABORT;
    }
    st->sent += static_cast<int64_t>(*n);
    return *n;
  } catch (...) {
    st->callback_error = Internal("out of memory while sending a request body");
    return CURL_READFUNC_ABORT;
  }
}

// curl asks to rewind when it must resend (a reused connection that turned out dead).
int SeekCallback(void* userp, curl_off_t offset, int origin) noexcept {
  auto* st = static_cast<TransferState*>(userp);
  if (offset != 0 || origin != SEEK_SET || !st->req->rewind) return CURL_SEEKFUNC_CANTSEEK;
  try {
    Status s = st->req->rewind();
    if (!s.ok()) {
      st->callback_error = std::move(s).error();
      return CURL_SEEKFUNC_FAIL;
    }
    st->sent = 0;
    return CURL_SEEKFUNC_OK;
  } catch (...) {
    st->callback_error = Internal("rewinding a request body failed");
    return CURL_SEEKFUNC_FAIL;
  }
}

bool HasLineBreak(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

Error TransportError(CURLcode rc, const char* errbuf, const Request& req) {
  std::string detail = errbuf[0] != '\0' ? Printable(errbuf) : curl_easy_strerror(rc);
  std::string where = req.method + " " + SanitizeUrl(req.url) + ": ";
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return Error(ErrorCode::kTimeout, where + detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return InvalidArgument(where + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return Error(
          ErrorCode::kNetwork,
          where + detail +
              " (trust the registry's CA with --ca-file or /etc/docker/certs.d/<host>/ca.crt)");
    case CURLE_SSL_CONNECT_ERROR:
      if (auto origin = ParseOrigin(req.url); origin.ok() && TlsErrorMeansPlainHttp(detail)) {
        return Error(ErrorCode::kNetwork, where + PlainHttpMessage(origin->HostPort(), detail));
      }
      return Error(ErrorCode::kNetwork, where + detail);
    default: return Error(ErrorCode::kNetwork, where + detail);
  }
}

// Transfer buffer sizes (libcurl's limits: 512 KiB for downloads, 2 MiB for uploads). Each transfer
// holds its own, up to --jobs at once: 256 KiB reads and 512 KiB sends cost no more CPU than 512 KiB
// and 1 MiB did (a 1 GiB pull, push and copy), and 1-2 MiB less peak RSS.
constexpr long kDownloadBufferBytes = 256 * 1024;
constexpr long kLargeBodyBufferBytes = 512 * 1024;
constexpr curl_off_t kLargeBodyBytes = 1024 * 1024;

#define HOIST_SETOPT(h, opt, val)                                                                 \
  do {                                                                                            \
    if (CURLcode rc_ = curl_easy_setopt(h, opt, val); rc_ != CURLE_OK) {                          \
      return Internal(std::string("configuring libcurl (" #opt "): ") + curl_easy_strerror(rc_)); \
    }                                                                                             \
  } while (0)

Status Configure(CURL* h, TransferState& st, curl_slist* headers, char* errbuf,
                 const TransferConfig& cfg) {
  const Request& req = *st.req;
  const HttpClientOptions& o = *cfg.options;
  HOIST_SETOPT(h, CURLOPT_URL, req.url.c_str());
  HOIST_SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
  HOIST_SETOPT(h, CURLOPT_NOSIGNAL, 1L);
  HOIST_SETOPT(h, CURLOPT_SHARE, cfg.share);
  HOIST_SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);  // never: curl would carry credentials along
  HOIST_SETOPT(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  HOIST_SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  HOIST_SETOPT(h, CURLOPT_LOW_SPEED_LIMIT, o.low_speed_limit);
  HOIST_SETOPT(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.low_speed_time.count()));
  HOIST_SETOPT(h, CURLOPT_TCP_KEEPALIVE, 1L);
  HOIST_SETOPT(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  HOIST_SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
  if (!req.Header("User-Agent")) HOIST_SETOPT(h, CURLOPT_USERAGENT, cfg.user_agent.c_str());
  HOIST_SETOPT(h, CURLOPT_HTTPHEADER, headers);
  HOIST_SETOPT(h, CURLOPT_HEADERFUNCTION, &HeaderCallback);
  HOIST_SETOPT(h, CURLOPT_HEADERDATA, &st);
  HOIST_SETOPT(h, CURLOPT_WRITEFUNCTION, &WriteCallback);
  HOIST_SETOPT(h, CURLOPT_WRITEDATA, &st);

  const TlsOptions& tls = *cfg.tls;
  HOIST_SETOPT(h, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
  HOIST_SETOPT(h, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  if (!tls.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(tls.ca_pem.data()), tls.ca_pem.size(), CURL_BLOB_COPY};
    HOIST_SETOPT(h, CURLOPT_CAINFO_BLOB, &blob);
  } else if (!tls.ca_file.empty()) {
    HOIST_SETOPT(h, CURLOPT_CAINFO, tls.ca_file.c_str());
  }
  if (!tls.client_cert.empty()) {
    HOIST_SETOPT(h, CURLOPT_SSLCERT, tls.client_cert.c_str());
    HOIST_SETOPT(h, CURLOPT_SSLKEY, tls.client_key.c_str());
  }

  const std::string& m = req.method;
  if (m == "HEAD") {
    HOIST_SETOPT(h, CURLOPT_NOBODY, 1L);
  } else if (req.body != nullptr || m == "POST" || m == "PUT" || m == "PATCH") {
    HOIST_SETOPT(h, CURLOPT_UPLOAD, 1L);
    HOIST_SETOPT(h, CURLOPT_CUSTOMREQUEST, m.c_str());
    curl_off_t size = req.body == nullptr ? 0 : static_cast<curl_off_t>(req.body_size);
    HOIST_SETOPT(h, CURLOPT_INFILESIZE_LARGE, size);  // -1: chunked
    HOIST_SETOPT(h, CURLOPT_READFUNCTION, &ReadCallback);
    HOIST_SETOPT(h, CURLOPT_READDATA, &st);
    HOIST_SETOPT(h, CURLOPT_SEEKFUNCTION, &SeekCallback);
    HOIST_SETOPT(h, CURLOPT_SEEKDATA, &st);
    // Large and streamed (size -1) bodies go in large reads: curl's 64 KiB costs a callback and a syscall per slice.
    if (size < 0 || size >= kLargeBodyBytes) HOIST_SETOPT(h, CURLOPT_UPLOAD_BUFFERSIZE, kLargeBodyBufferBytes);
  } else if (m == "GET") {
    HOIST_SETOPT(h, CURLOPT_HTTPGET, 1L);
    // Blobs arrive in up to 256 KiB a read, not 16 KiB: up to 16x fewer recv calls (libcurl 7.88 still cuts
    // them into 16 KiB write callbacks). Only blob GETs stream into a sink: manifests and tokens are small and
    // keep curl's default buffer.
    if (req.sink != nullptr) HOIST_SETOPT(h, CURLOPT_BUFFERSIZE, kDownloadBufferBytes);
  } else {
    HOIST_SETOPT(h, CURLOPT_CUSTOMREQUEST, m.c_str());
  }
  return Ok();
}

#undef HOIST_SETOPT

}  // namespace

Result<Response> PerformOnce(CURL* handle, Request& req, const TransferConfig& config) {
  if (req.method.empty() || HasLineBreak(req.method) || req.method.find(' ') != std::string::npos) {
    return InvalidArgument("invalid HTTP method \"" + Printable(req.method, 20) + "\"");
  }
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& [name, value] : req.headers) {
    if (name.empty() || HasLineBreak(name) || name.find(':') != std::string::npos) {
      return InvalidArgument("invalid HTTP header name \"" + Printable(name, 40) + "\"");
    }
    if (HasLineBreak(value)) {  // the value may be a secret: name it, never show it
      return InvalidArgument("the value of HTTP header " + Printable(name, 40) +
                             " contains a line break");
    }
    // curl drops "Name:" headers; "Name;" is how it sends an empty one.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next == nullptr) return Internal("out of memory building request headers");
    if (next != headers.get()) headers.reset(next);  // only the first append makes a new head
  }

  TransferState st;
  st.req = &req;
  st.resp.method = req.method;
  st.resp.effective_url = req.url;
  char errbuf[CURL_ERROR_SIZE] = {0};
  // The error buffer and header list live in this frame: the pooled handle must not keep them.
  struct Detach {
    CURL* h;
    ~Detach() {
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    }
  } detach{handle};
  Status configured = Configure(handle, st, headers.get(), errbuf, config);
  if (!configured.ok()) return std::move(configured).error();

  CURLcode rc = curl_easy_perform(handle);

  if (st.callback_error) return std::move(*st.callback_error);
  if (rc == CURLE_WRITE_ERROR && st.truncated) {
    if (st.resp.ok()) {
      return TooLarge("the response to " + req.method + " " + SanitizeUrl(req.url) +
                      " is larger than the limit of " + std::to_string(req.max_buffered_body) +
                      " bytes");
    }
    st.resp.body_truncated = true;
    rc = CURLE_OK;
  }
  if (rc != CURLE_OK) return TransportError(rc, errbuf, req);
  if (st.resp.reason.empty()) st.resp.reason = std::string(ReasonPhrase(st.resp.status));
  return std::move(st.resp);
}

}  // namespace hoist::registry::detail
