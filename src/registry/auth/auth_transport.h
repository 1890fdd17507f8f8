#pragma once
// AuthTransport: the HttpClient layer that authenticates to one registry. It attaches what it
// already holds (Basic credentials, or a cached Bearer token still valid for more than the
// cache's margin), and on a 401 answers the registry's WWW-Authenticate challenge (Bearer is
// preferred over Basic) and sends the request again, once:
//   Basic  → the credential's username and password;
//   Bearer → a token from the challenge's realm for our scopes merged with the challenge's:
//            anonymous without a credential, GET with Basic for a username and password, POST
//            grant_type=refresh_token for an identity token (distribution's OAuth flow).
// A 401 that came back with a cached token drops that token and fetches a fresh one (once).
// The challenge is remembered, so later requests (and bodies that cannot be resent) get their
// credentials before they are sent; a non-resendable body to a registry not yet heard from is
// preceded by a probe (GET /v2/).
//
// Security: Authorization goes only to URLs on the registry's own host:port (an upload's
// Location or a blob redirect may point elsewhere; any Authorization on such a request is
// removed), never over plain http unless the registry is configured insecure, and credentials go
// to a plain-http token realm only for an insecure registry. Secrets never reach an error
// message or the debug log.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/auth/challenge.h"
#include "registry/auth/credential.h"
#include "registry/auth/token.h"
#include "registry/http/http_client.h"

namespace hoist::registry {

struct AuthConfig {
  // The registry's API host as its URLs name it: "127.0.0.1:5000", "registry-1.docker.io".
  std::string registry;
  // Plain http is allowed for this registry (the user named it insecure, or it is a loopback
  // registry that speaks only plain HTTP).
  bool insecure = false;
  // Set when `insecure` comes only from the loopback default: credentials may then go to a
  // plain-http token realm only on a loopback host, never across the network.
  bool insecure_loopback_only = false;
  // Token scopes the caller needs, push scope first ("repository:a/b:pull,push"); see scope.h.
  std::vector<std::string> scopes;
  // From the keychain; nullopt for anonymous access.
  std::optional<Credential> credential;
  // Shared between transports; nullptr: the transport keeps a private cache.
  TokenCache* token_cache = nullptr;
  // Hears one line per challenge, token fetch and probe; never a secret.
  std::function<void(std::string_view)> debug_log;
};

class AuthTransport : public HttpClient {
 public:
  AuthTransport(std::shared_ptr<HttpClient> inner, AuthConfig config);
  ~AuthTransport() override;

  // Errors besides the inner client's: kUnauthorized when credentials are missing or rejected
  // (naming the registry and carrying its message), kDenied when an authenticated user lacks
  // the access asked for, kParse for a malformed challenge or token response, kUnsupported for
  // a challenge scheme other than Basic and Bearer. Other statuses are returned as responses.
  Result<Response> Do(Request& req) override;

  // Asks for one more scope in later tokens, e.g. the source repository's pull scope before a
  // cross-repository mount ("repository:other/repo:pull").
  void AddScope(std::string scope);
  // Our scopes merged with those the registry's challenges asked for.
  std::vector<std::string> scopes() const;

  // What became of the credential so far: `hoist login` succeeds only on kSent (checked, since the
  // request then succeeded) or kNotAsked (the registry wants no login, as docker accepts).
  enum class CredentialUse {
    kNotAsked,  // no challenge, or none that wanted a credential yet
    kWithheld,  // a Bearer challenge named a plain-http token service: sent anonymously instead
    kSent,      // in a Basic Authorization, or to the token service
  };
  CredentialUse credential_use() const;

 private:
  // What the registry is known to want; learned from 401 challenges (or a probe).
  enum class Scheme { kUnknown, kNone, kBasic, kBearer };
  struct Attached {
    bool basic = false;
    std::optional<std::string> token;  // the Bearer token sent (to drop it after a 401)
  };

  bool IsRegistryUrl(std::string_view url) const;
  Status ProbeIfUnknown(const std::string& url);
  Result<Attached> Attach(Request& req);
  // Handles a 401: learns its challenge and puts fresh credentials on `req`.
  Result<Attached> Answer(const Response& resp, Request& req, const Attached& sent);
  Result<Attached> AnswerBearer(const BearerChallenge& challenge, Request& req,
                                const Attached& sent);
  Result<Attached> AnswerBasic(const Response& resp, Request& req, const Attached& sent);
  // A token for the current scopes: cached unless `stale` is the cached one (then refetched).
  Result<std::string> TokenFor(const std::optional<std::string>& stale);
  Error Rejected(const Response& resp, const Attached& sent) const;
  TokenKey Key(const std::vector<std::string>& scopes) const;
  void Log(const std::string& line) const;

  std::shared_ptr<HttpClient> inner_;
  AuthConfig config_;
  std::string host_;  // lowercase, no port
  int port_ = 0;      // 0: the scheme's default
  std::unique_ptr<TokenCache> own_cache_;
  TokenCache* cache_;

  mutable std::mutex mu_;  // guards the fields below
  Scheme scheme_ = Scheme::kUnknown;
  BearerChallenge bearer_;
  std::vector<std::string> scopes_;
  bool credentials_withheld_ = false;  // a plain-http realm got no credentials
  CredentialUse credential_use_ = CredentialUse::kNotAsked;

  std::mutex fetch_mu_;  // one token fetch at a time: concurrent 401s share its result
};

}  // namespace hoist::registry
