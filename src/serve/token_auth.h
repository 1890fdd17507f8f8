#pragma once
// Token authentication of one request, as Distribution's token access controller does it: the
// access a request needs (pull for GET/HEAD, pull+push for POST/PUT/PATCH, delete for DELETE,
// pull on the source of a mount, registry:catalog:* for _catalog, a valid token and nothing more
// for /v2/ and /metrics), the Bearer token checked, and the 401 challenge that tells a client
// where to fetch a token and for which scope.

#include <optional>
#include <string>
#include <vector>

#include "serve/http.h"
#include "serve/route.h"
#include "serve/token_verifier.h"

namespace hoist::serve {

struct NeededAccess {
  std::string type;  // "repository", "registry"
  std::string name;
  std::vector<std::string> actions;
};

std::vector<NeededAccess> RequiredAccess(const Request& req, const Route& route);

// "repository:a/b:pull,push repository:c:pull": the challenge's scope parameter.
std::string ScopeParameter(const std::vector<NeededAccess>& needed);

// nullopt (and req.user set to the token's subject) when the request may go on; otherwise the
// 401 answer: UNAUTHORIZED with the refusal's code in its detail, and a WWW-Authenticate
// challenge (error="invalid_token" or "insufficient_scope" when a token was sent).
std::optional<Response> AuthorizeBearer(const TokenVerifier& verifier, Request& req, const Route& route);

}  // namespace hoist::serve
