#pragma once
// The transport interface. Auth, retry and friends are HttpClients wrapping an HttpClient
// (stacked transports, as in go-containerregistry); tests fake it.

#include "core/error.h"
#include "registry/http/request.h"
#include "registry/http/response.h"

namespace hoist::registry {

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Any HTTP status is a successful Do; errors are transport failures (kNetwork, kTimeout), the
  // body Reader's or sink Writer's own error, or an oversized 2xx body (kTooLarge).
  // Thread-safe in every implementation.
  virtual Result<Response> Do(Request& req) = 0;
};

}  // namespace hoist::registry
