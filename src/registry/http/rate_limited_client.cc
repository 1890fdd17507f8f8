#include "registry/http/rate_limited_client.h"

#include <algorithm>
#include <thread>

namespace hoist::registry {

RateLimitedClient::RateLimitedClient(HttpClient& inner, double per_second)
    : inner_(inner),
      rate_(per_second),
      capacity_(std::max(1.0, per_second)),
      tokens_(capacity_),
      last_(std::chrono::steady_clock::now()) {}

Result<Response> RateLimitedClient::Do(Request& req) {
  std::chrono::duration<double> wait{0};
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    tokens_ = std::min(capacity_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
    last_ = now;
    // Take the token now (the balance may go negative): waiters queue in arrival order.
    tokens_ -= 1;
    if (tokens_ < 0) wait = std::chrono::duration<double>(-tokens_ / rate_);
  }
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
  return inner_.Do(req);
}

}  // namespace hoist::registry
