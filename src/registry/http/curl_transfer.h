#pragma once
// One HTTP exchange on one easy handle: options, callbacks, error mapping. Internal to
// registry/http; CurlClient owns handles, redirects and TLS selection.

#include <curl/curl.h>

#include <string>

#include "registry/http/curl_client.h"

namespace hoist::registry::detail {

struct TransferConfig {
  const HttpClientOptions* options = nullptr;
  const TlsOptions* tls = nullptr;
  CURLSH* share = nullptr;
  std::string user_agent;
};

// Sends `req` once (no redirect following) on a handle fresh from curl_easy_reset.
Result<Response> PerformOnce(CURL* handle, Request& req, const TransferConfig& config);

}  // namespace hoist::registry::detail
