#pragma once
// A request-rate limit (`hoist mirror --rate N/s`): a token bucket in front of another
// HttpClient. Each request (each retry too) takes a token; with none left it waits. Thread-safe.

#include <chrono>
#include <mutex>

#include "registry/http/http_client.h"

namespace hoist::registry {

class RateLimitedClient : public HttpClient {
 public:
  // `per_second` > 0; the bucket holds up to max(1, per_second) tokens, full at the start.
  RateLimitedClient(HttpClient& inner, double per_second);
  Result<Response> Do(Request& req) override;

 private:
  HttpClient& inner_;
  double rate_, capacity_;
  std::mutex mu_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace hoist::registry
