#include "transfer/url_fetch.h"

#include <cctype>
#include <chrono>

#include "core/fs.h"
#include "registry/http/sanitize.h"

namespace hoist::transfer {

namespace {

// Hashes and counts the body on its way into the file; past the limit is an error, not a cut.
class BodySink : public Writer {
 public:
  BodySink(Writer& out, DigestAlgorithm alg, uint64_t max, std::string what)
      : out_(out), hasher_(alg), max_(max), what_(std::move(what)) {}
  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    if (n > max_ - size_) {
      return TooLarge(what_ + " is larger than the limit of " + std::to_string(max_) + " bytes");
    }
    size_ += n;
    hasher_.Update(data, n);
    return out_.Write(data, n);
  }
  uint64_t size() const { return size_; }
  Digest Finish() { return hasher_.Finish(); }

 private:
  Writer& out_;
  Hasher hasher_;
  uint64_t max_;
  uint64_t size_ = 0;
  std::string what_;
};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// The authority part ("user:pw@host:port") of an absolute URL.
std::string_view Authority(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error StatusError(const std::string& shown, const registry::Response& r) {
  std::string msg = "GET " + shown + ": the server answered " + std::to_string(r.status);
  std::string reason = r.reason.empty() ? std::string(registry::ReasonPhrase(r.status)) : r.reason;
  if (!reason.empty()) msg += " " + registry::Printable(reason, 80);
  if (r.status == 404 || r.status == 410) return NotFound(std::move(msg));
  if (r.status == 401 || r.status == 403) {
    msg += " (hoist sends no credentials to ADD URLs)";
    return Error(r.status == 401 ? ErrorCode::kUnauthorized : ErrorCode::kDenied, std::move(msg));
  }
  if (r.status == 429) return Error(ErrorCode::kRateLimited, std::move(msg));
  if (r.status >= 500) return Error(ErrorCode::kServerError, std::move(msg));
  return Error(ErrorCode::kUnsupported, std::move(msg));  // 3xx without Location, other 4xx
}

}  // namespace

bool IsHttpUrl(std::string_view text) {
  return StartsWithNoCase(text, "http://") || StartsWithNoCase(text, "https://");
}

std::string UrlFileName(std::string_view url) {
  std::string_view rest = url;
  size_t scheme = rest.find("://");
  if (scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "";
  // Decoded first, then the last element with trailing slashes dropped: Go's path.Base(url.Path),
  // which is what docker names the file after.
  std::string path;
  for (size_t i = slash; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && HexValue(rest[i + 1]) >= 0 && HexValue(rest[i + 2]) >= 0) {
      path += static_cast<char>(HexValue(rest[i + 1]) * 16 + HexValue(rest[i + 2]));
      i += 2;
    } else {
      path += rest[i];
    }
  }
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::string name = path.substr(path.rfind('/') + 1);
  if (name == "." || name == ".." || name.find('\0') != std::string::npos) return "";
  return name;
}

Result<FetchedUrl> FetchUrl(const std::string& url, const std::string& path, const std::optional<Digest>& expected,
                            const UrlFetchOptions& options, mode_t mode) {
  const std::string shown = registry::SanitizeUrl(url);
  if (!IsHttpUrl(url)) return InvalidArgument(shown + ": only http:// and https:// URLs can be fetched");
  if (Authority(url).find('@') != std::string_view::npos) {
    return InvalidArgument(shown + ": a URL with credentials (user:password@) is refused; hoist never sends "
                           "credentials with a download");
  }
  registry::CurlClient curl(options.http);
  registry::RetryingClient client(curl, options.retry);
  HOIST_TRY_ASSIGN(auto file, AtomicFile::Create(path, mode));
  BodySink sink(*file, expected ? expected->algorithm() : DigestAlgorithm::kSha256, options.max_size, shown);

  registry::Request req;
  req.method = "GET";
  req.url = url;
  req.sink = &sink;
  req.max_buffered_body = 64 * 1024;  // error pages are only shown, never kept
  req.follow_redirects = true;
  auto resp = client.Do(req);
  if (!resp.ok()) return std::move(resp).error().WithContext("GET " + shown);
  if (!resp->ok()) return StatusError(shown, *resp);

  FetchedUrl fetched;
  fetched.size = sink.size();
  fetched.digest = sink.Finish();
  if (expected && !(fetched.digest == *expected)) {
    return DigestMismatch("GET " + shown + ": the content has digest " + fetched.digest.str() + ", not the " +
                          expected->str() + " that --checksum expects");
  }
  if (auto lm = resp->Header("Last-Modified")) {
    if (auto t = registry::ParseHttpDate(*lm)) {
      fetched.last_modified = std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
    }
  }
  HOIST_TRY(file->Commit());
  return fetched;
}

}  // namespace hoist::transfer
