#include "registry/plain_http_probe.h"

#include <string>

#include "registry/http/tls_config.h"

namespace hoist::registry {

HttpsProbe ProbeHttps(const HttpClientOptions& http, std::string_view host_port) {
  HttpClientOptions o = http;
  o.connect_timeout = kPlainHttpProbeTimeout;
  o.low_speed_time = std::chrono::duration_cast<std::chrono::seconds>(kPlainHttpProbeTimeout);
  o.max_idle_handles = 0;
  CurlClient probe(std::move(o));
  Request req;
  req.url = "https://" + std::string(host_port) + "/v2/";
  req.follow_redirects = false;
  req.max_buffered_body = 4096;
  auto r = probe.Do(req);
  HttpsProbe result = r.ok() ? HttpsProbe::kTls
                      : r.error().message().find(kPlainHttpReply) != std::string::npos ? HttpsProbe::kPlainHttp
                                                                                        : HttpsProbe::kFailed;
  if (http.debug_log) {
    http.debug_log("probe https://" + std::string(host_port) + "/v2/: " +
                   (result == HttpsProbe::kTls         ? "answers TLS (HTTP " + std::to_string(r->status) + ")"
                    : result == HttpsProbe::kPlainHttp ? std::string("speaks plain HTTP")
                                                       : "failed (" + r.error().message() + ")"));
  }
  return result;
}

}  // namespace hoist::registry
