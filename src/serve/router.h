#pragma once
// From a request line and headers to the Exchange that answers it: authentication first, then
// the route, then the resource's handler.

#include <memory>

#include "serve/handlers.h"
#include "serve/htpasswd.h"
#include "serve/http.h"
#include "serve/metrics.h"

namespace hoist::serve {

class Router {
 public:
  // `auth` and `metrics` may be null (no authentication; no /metrics).
  Router(ServedLayout& layout, Htpasswd* auth, Metrics* metrics) : layout_(layout), auth_(auth), metrics_(metrics) {}
  // Sets req.user when the request is authenticated.
  std::unique_ptr<Exchange> Begin(Request& req);

 private:
  ServedLayout& layout_;
  Htpasswd* auth_;
  Metrics* metrics_;
};

}  // namespace hoist::serve
