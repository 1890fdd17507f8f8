#pragma once
// Getting a token from a Bearer challenge's realm: the Docker token protocol (GET with service,
// scope and, for a login, Basic credentials) and distribution's OAuth2 flow for identity tokens
// (POST grant_type=refresh_token). Secrets travel only in the Authorization header or the POST
// body, never in the URL, an error message or a log line.

#include <string>
#include <string_view>
#include <vector>

#include "registry/auth/challenge.h"
#include "registry/auth/credential.h"
#include "registry/auth/token.h"
#include "registry/http/http_client.h"

namespace hoist::registry {

struct TokenFetch {
  std::string registry;  // host[:port], for messages
  BearerChallenge challenge;
  std::vector<std::string> scopes;
  const Credential* credential = nullptr;  // nullptr (or nothing in it): anonymous
  // Credentials may go to an http:// realm: only when the registry itself is insecure.
  bool allow_plain_http = false;
};

struct FetchedToken {
  Token token;
  // The realm was plain http and the registry is not insecure, so the request went anonymous.
  bool credentials_withheld = false;
};

// kUnauthorized when the token service refuses (anonymous access or the credentials), kParse
// for an answer that is not a token, the registry's mapped error for other statuses.
Result<FetchedToken> FetchToken(HttpClient& http, const TokenFetch& fetch);

// application/x-www-form-urlencoded / query escaping: unreserved bytes kept, the rest %XX.
std::string FormEscape(std::string_view s);

// Whether a credential can answer Basic (username and password) or the OAuth flow.
bool HasPassword(const Credential& c);
bool HasIdentityToken(const Credential& c);

// "user \"alice\"" or "the identity token", for messages (usernames are not secret).
std::string DescribeLogin(const Credential& c);

}  // namespace hoist::registry
