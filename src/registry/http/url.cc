#include "registry/http/url.h"

#include <curl/curl.h>

#include <memory>

#include "registry/http/sanitize.h"

namespace hoist::registry {

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlString {
  char* p = nullptr;
  ~CurlString() { curl_free(p); }
};

std::string Lowercase(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

Error BadUrl(std::string_view url, CURLUcode rc) {
  return InvalidArgument("invalid URL " + SanitizeUrl(url) + ": " + curl_url_strerror(rc));
}

int DefaultPort(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

std::string UrlOrigin::HostPort() const {
  if (port == DefaultPort(scheme)) return host;
  return host + ":" + std::to_string(port);
}

Result<UrlOrigin> ParseOrigin(std::string_view url) {
  UrlHandle h(curl_url());
  if (!h) return Internal("out of memory parsing a URL");
  std::string copy(url);
  if (CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, copy.c_str(), 0)) return BadUrl(url, rc);
  UrlOrigin o;
  CurlString scheme, host, port;
  if (CURLUcode rc = curl_url_get(h.get(), CURLUPART_SCHEME, &scheme.p, 0)) return BadUrl(url, rc);
  if (CURLUcode rc = curl_url_get(h.get(), CURLUPART_HOST, &host.p, 0)) return BadUrl(url, rc);
  if (CURLUcode rc = curl_url_get(h.get(), CURLUPART_PORT, &port.p, CURLU_DEFAULT_PORT)) {
    return BadUrl(url, rc);
  }
  o.scheme = Lowercase(scheme.p);
  o.host = Lowercase(host.p);
  if (o.scheme != "http" && o.scheme != "https") {
    return InvalidArgument("unsupported URL scheme in " + SanitizeUrl(url) +
                           " (only http and https are spoken)");
  }
  o.port = std::atoi(port.p);
  return o;
}

Result<std::string> ResolveUrl(std::string_view base, std::string_view reference) {
  UrlHandle h(curl_url());
  if (!h) return Internal("out of memory parsing a URL");
  std::string b(base), r(reference);
  if (CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, b.c_str(), 0)) return BadUrl(base, rc);
  // Setting a second URL on a handle resolves it relative to the first.
  if (CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, r.c_str(), 0)) {
    return BadUrl(reference, rc);
  }
  CurlString out;
  if (CURLUcode rc = curl_url_get(h.get(), CURLUPART_URL, &out.p, 0)) return BadUrl(reference, rc);
  return std::string(out.p);
}

}  // namespace hoist::registry
