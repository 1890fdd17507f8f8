#pragma once
// HttpClient on libcurl: pooled easy handles that keep their connections alive between
// requests, one share for DNS and TLS sessions, HTTP/2 where the server offers it, a stall
// detector instead of a total timeout, and redirects followed by our code, not curl's, so that
// credentials never travel to another host. Proxies come from the environment, as in curl.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "registry/http/http_client.h"
#include "registry/http/tls_config.h"

namespace hoist::registry {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{30'000};
  // A transfer moving fewer than low_speed_limit bytes/s for low_speed_time fails with kTimeout.
  // There is no total timeout: a big blob on a slow but live link must finish.
  long low_speed_limit = 1024;
  std::chrono::seconds low_speed_time{30};
  int max_redirects = 5;
  std::string user_agent;  // empty: "hoist/<version>"
  TlsSettings tls;
  size_t max_idle_handles = 16;  // pooled easy handles (each keeps its live connections)
  // Request lines, statuses, redirects and failures; never header values, URL queries or bodies.
  // Called on the requesting thread, so from several threads at once when the client is shared.
  std::function<void(std::string_view)> debug_log;
};

class CurlClient : public HttpClient {
 public:
  explicit CurlClient(HttpClientOptions options = {});
  ~CurlClient() override;
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  Result<Response> Do(Request& req) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hoist::registry
