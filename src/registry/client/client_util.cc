#include "registry/client/client_util.h"

#include <algorithm>

#include "registry/http/sanitize.h"
#include "registry/http/url.h"
#include "registry/registry_errors.h"

namespace hoist::registry::client_detail {

std::string QueryEscape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string AppendQuery(std::string url, std::string_view key, std::string_view value) {
  size_t hash = url.find('#');
  if (hash != std::string::npos) url.resize(hash);
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += QueryEscape(key);
  url += '=';
  url += QueryEscape(value);
  return url;
}

Result<std::string> NormalizeBaseUrl(std::string_view base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  HOIST_TRY_ASSIGN(UrlOrigin origin, ParseOrigin(base_url));
  std::string want = origin.scheme + "://";
  size_t after_scheme = base_url.find("://");
  std::string_view rest =
      after_scheme == std::string_view::npos ? base_url : base_url.substr(after_scheme + 3);
  if (rest.find_first_of("/?#@") != std::string_view::npos) {
    return InvalidArgument("registry base URL " + SanitizeUrl(base_url) +
                           " must be scheme://host[:port], without a path or credentials");
  }
  return want + std::string(rest);
}

Error HttpError(const Response& resp, std::string context) {
  return ErrorFromResponse(resp).WithContext(std::move(context));
}

Error UnexpectedStatus(const Response& resp, std::string_view expected, std::string context) {
  Error e = ErrorFromResponse(resp);
  return Error(ErrorCode::kParse,
               e.message() + " (the Distribution API answers " + std::string(expected) + " here)")
      .WithRegistry(*e.registry())
      .WithContext(std::move(context));
}

Result<Response> Send(HttpClient& http, Request& req, const std::string& context) {
  Result<Response> r = http.Do(req);
  if (!r.ok()) return std::move(r).error().WithContext(context);
  return r;
}

Result<std::string> LocationOf(const Response& resp, const std::string& request_url,
                               const std::string& context) {
  std::optional<std::string> location = resp.Header("Location");
  if (!location || location->empty()) {
    return Error(ErrorCode::kParse, resp.method + " " + SanitizeUrl(request_url) + ": " +
                                        std::to_string(resp.status) +
                                        " without the Location header the upload needs")
        .WithContext(context);
  }
  Result<std::string> url = ResolveUrl(request_url, *location);
  if (!url.ok()) return std::move(url).error().WithContext(context);
  return url;
}

Status CheckReportedDigest(const Response& resp, const Digest& ours, const std::string& context) {
  std::optional<std::string> reported = resp.Header("Docker-Content-Digest");
  if (!reported || reported->empty()) return Ok();
  if (*reported == ours.str()) return Ok();
  return DigestMismatch("the registry reports digest " + Printable(*reported, 140) +
                        " for content whose digest is " + ours.str())
      .WithContext(context);
}

Result<size_t> ExactReader::Read(char* buf, size_t n) {
  if (left_ == 0) return size_t{0};
  size_t want = static_cast<size_t>(std::min<uint64_t>(n, left_));
  HOIST_TRY_ASSIGN(size_t got, inner_.Read(buf, want));
  if (got == 0) {
    return ParseError("content ended " + std::to_string(left_) + " bytes before its declared size");
  }
  left_ -= got;
  return got;
}

Result<size_t> ViewReader::Read(char* buf, size_t n) {
  size_t take = std::min(n, data_.size() - pos_);
  std::copy_n(data_.data() + pos_, take, buf);
  pos_ += take;
  return take;
}

}  // namespace hoist::registry::client_detail
