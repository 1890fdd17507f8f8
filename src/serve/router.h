#pragma once
// From a request line and headers to the Exchange that answers it: authentication first, then
// the route, then the resource's handler.

#include <memory>

#include "serve/handlers.h"
#include "serve/htpasswd.h"
#include "serve/http.h"
#include "serve/metrics.h"
#include "serve/token_verifier.h"

namespace hoist::serve {

class Router {
 public:
  // `auth`, `metrics` and `token` may be null (no htpasswd; no /metrics; no token authentication).
  Router(ServedLayout& layout, Htpasswd* auth, Metrics* metrics, const TokenVerifier* token = nullptr)
      : layout_(layout), auth_(auth), metrics_(metrics), token_(token) {}
  // Sets req.user when the request is authenticated.
  std::unique_ptr<Exchange> Begin(Request& req);

 private:
  ServedLayout& layout_;
  Htpasswd* auth_;
  Metrics* metrics_;
  const TokenVerifier* token_;
};

}  // namespace hoist::serve
