#pragma once
// WWW-Authenticate parsing (RFC 7235) as registries send it, and the Bearer challenge of the
// Docker token protocol built on top of it.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::registry {

struct Challenge {
  std::string scheme;                         // lowercased: "bearer", "basic"
  std::map<std::string, std::string> params;  // lowercased names; values unescaped, case kept
  std::string token68;                        // for schemes that carry one blob instead of params
};

// Parses every challenge in one header value, e.g.
//   Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push", Basic realm="x"
// Malformed input (unterminated quote, missing scheme, parameter without value, stray bytes) is a
// kParse error that names the problem and where it is.
Result<std::vector<Challenge>> ParseWwwAuthenticate(std::string_view header);

// The first challenge with this (lowercase) scheme, or nullptr.
const Challenge* FindChallenge(const std::vector<Challenge>& challenges, std::string_view scheme);

// A Bearer challenge of the token protocol: where to get a token and for what.
struct BearerChallenge {
  std::string realm;                // absolute http(s) URL of the token endpoint
  std::string service;              // may be empty
  std::vector<std::string> scopes;  // the scope parameter split on spaces; may be empty
  std::string error;                // "insufficient_scope", "invalid_token"… or empty
};

// Checks a parsed "bearer" challenge: realm present and an absolute http(s) URL.
Result<BearerChallenge> ParseBearerChallenge(const Challenge& challenge);

}  // namespace hoist::registry
