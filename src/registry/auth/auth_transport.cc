#include "registry/auth/auth_transport.h"
#include "core/base64.h"

#include <cstdlib>
#include <utility>

#include "registry/auth/auth_text.h"
#include "registry/auth/scope.h"
#include "registry/auth/token_fetch.h"
#include "registry/http/sanitize.h"
#include "registry/http/tls_config.h"
#include "registry/http/url.h"
#include "registry/registry_errors.h"

namespace hoist::registry {

namespace {

// A registry's challenges add scopes; a hostile one must not grow the list without bound.
constexpr size_t kMaxScopes = 32;

std::string BasicAuthorization(const Credential& c) {
  return "Basic " + EncodeBase64(c.username + ":" + c.password);
}

std::string JoinScopes(const std::vector<std::string>& scopes) {
  if (scopes.empty()) return "no scope";
  std::string out;
  for (const std::string& s : scopes) {
    if (!out.empty()) out += ' ';
    out += Printable(s, 200);
  }
  return out;
}

int DefaultPort(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

// "METHOD URL" for messages: the URL without its query (upload state, signatures).
std::string Describe(const Request& req) { return req.method + " " + SanitizeUrl(req.url); }

// The registry's own words ("…: 401 Unauthorized: UNAUTHORIZED: authentication required"),
// attached to a message of ours.
Error WithRegistryMessage(ErrorCode code, const std::string& ours, const Response& resp) {
  Error e = ErrorFromResponse(resp);
  return Error(code, ours + " (" + e.message() + ")")
      .WithRegistry(e.registry().value_or(RegistryDetails{}));
}

// Every challenge of every WWW-Authenticate header; a malformed header is skipped while
// another one parses, and is the error when none does.
Result<std::vector<Challenge>> ParseChallenges(const Response& resp, const std::string& registry) {
  std::vector<Challenge> all;
  std::optional<Error> first_error;
  for (const std::string& value : resp.Headers("WWW-Authenticate")) {
    auto parsed = ParseWwwAuthenticate(value);
    if (parsed.ok()) {
      for (Challenge& c : *parsed) all.push_back(std::move(c));
    } else if (!first_error) {
      first_error = std::move(parsed).error();
    }
  }
  if (all.empty() && first_error) {
    return std::move(*first_error).WithContext("reading the authentication challenge of registry " +
                                               registry);
  }
  return all;
}

}  // namespace

AuthTransport::AuthTransport(std::shared_ptr<HttpClient> inner, AuthConfig config)
    : inner_(std::move(inner)), config_(std::move(config)) {
  if (config_.token_cache == nullptr) own_cache_ = std::make_unique<TokenCache>();
  cache_ = config_.token_cache ? config_.token_cache : own_cache_.get();
  config_.registry = AuthLower(config_.registry);
  // host, host:port, [v6], [v6]:port
  const std::string& r = config_.registry;
  size_t colon = r.rfind(':');
  size_t bracket = r.rfind(']');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    host_ = r.substr(0, colon);
    port_ = std::atoi(r.c_str() + colon + 1);
  } else {
    host_ = r;
  }
  scopes_ = MergeScopes(config_.scopes, {});
}

AuthTransport::~AuthTransport() = default;

void AuthTransport::AddScope(std::string scope) {
  std::lock_guard<std::mutex> lock(mu_);
  if (scopes_.size() < kMaxScopes) scopes_ = MergeScopes(scopes_, {std::move(scope)});
}

std::vector<std::string> AuthTransport::scopes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return scopes_;
}

bool AuthTransport::IsRegistryUrl(std::string_view url) const {
  auto origin = ParseOrigin(url);
  if (!origin.ok()) return false;
  if (origin->scheme != "https" && !config_.insecure) return false;
  if (origin->host != host_) return false;
  return origin->port == (port_ != 0 ? port_ : DefaultPort(origin->scheme));
}

void AuthTransport::Log(const std::string& line) const {
  if (config_.debug_log) config_.debug_log("auth: " + line);
}

TokenKey AuthTransport::Key(const std::vector<std::string>& scopes) const {
  // Tokens of different logins to one registry must not be mixed up in a shared cache.
  std::string who = config_.credential ? config_.credential->username + "@" : std::string();
  return TokenKey::Make(who + config_.registry, scopes);
}

Result<Response> AuthTransport::Do(Request& req) {
  if (!IsRegistryUrl(req.url)) {
    // Another host (an upload Location, a blob's storage) never sees the registry's credentials.
    req.RemoveHeader("Authorization");
    return inner_->Do(req);
  }
  if (req.body != nullptr && !req.replayable()) HOIST_TRY(ProbeIfUnknown(req.url));
  HOIST_TRY_ASSIGN(Attached sent, Attach(req));
  HOIST_TRY_ASSIGN(Response resp, inner_->Do(req));
  if (resp.status != 401) return resp;
  if (!resp.effective_url.empty() && !IsRegistryUrl(resp.effective_url)) return resp;

  HOIST_TRY_ASSIGN(Attached retry, Answer(resp, req, sent));
  if (!req.replayable()) {
    return WithRegistryMessage(ErrorCode::kUnauthorized,
                               "registry " + config_.registry + " asked for authentication on " +
                                   Describe(req) + " after its body was sent, and the body cannot "
                                   "be sent again",
                               resp);
  }
  if (req.body != nullptr) HOIST_TRY(req.rewind());
  HOIST_TRY_ASSIGN(resp, inner_->Do(req));
  if (resp.status == 401) return Rejected(resp, retry);
  return resp;
}

Status AuthTransport::ProbeIfUnknown(const std::string& url) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (scheme_ != Scheme::kUnknown) return Ok();
  }
  HOIST_TRY_ASSIGN(UrlOrigin origin, ParseOrigin(url));
  Request probe;
  probe.url = origin.scheme + "://" + origin.HostPort() + "/v2/";
  Log("probing " + probe.url + " before sending a body that cannot be resent");
  auto resp = inner_->Do(probe);
  if (!resp.ok()) {
    return std::move(resp).error().WithContext("probing registry " + config_.registry +
                                               " for authentication");
  }
  if (resp->ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (scheme_ == Scheme::kUnknown) scheme_ = Scheme::kNone;
    return Ok();
  }
  // Learns the challenge and fetches the token now, so the real request carries it.
  if (resp->status == 401) {
    auto answered = Answer(*resp, probe, Attached{});
    if (!answered.ok()) return std::move(answered).error();
  }
  return Ok();  // anything else: let the request itself tell
}

Result<AuthTransport::Attached> AuthTransport::Attach(Request& req) {
  Scheme scheme;
  {
    std::lock_guard<std::mutex> lock(mu_);
    scheme = scheme_;
  }
  req.RemoveHeader("Authorization");
  Attached sent;
  if (scheme == Scheme::kBasic && config_.credential && HasPassword(*config_.credential)) {
    req.SetHeader("Authorization", BasicAuthorization(*config_.credential));
    sent.basic = true;
    std::lock_guard<std::mutex> lock(mu_);
    credential_use_ = CredentialUse::kSent;
  } else if (scheme == Scheme::kBearer) {
    HOIST_TRY_ASSIGN(std::string token, TokenFor(std::nullopt));
    req.SetHeader("Authorization", "Bearer " + token);
    sent.token = std::move(token);
  }
  return sent;
}

Result<AuthTransport::Attached> AuthTransport::Answer(const Response& resp, Request& req, const Attached& sent) {
  if (resp.Headers("WWW-Authenticate").empty()) {
    return WithRegistryMessage(ErrorCode::kUnauthorized,
                               "registry " + config_.registry + " answered 401 to " +
                                   Describe(req) + " without saying how to authenticate (no "
                                   "WWW-Authenticate header)",
                               resp);
  }
  HOIST_TRY_ASSIGN(std::vector<Challenge> challenges, ParseChallenges(resp, config_.registry));
  if (const Challenge* bearer = FindChallenge(challenges, "bearer")) {
    auto parsed = ParseBearerChallenge(*bearer);
    if (!parsed.ok()) {
      return std::move(parsed).error().WithContext("reading the authentication challenge of "
                                                   "registry " + config_.registry);
    }
    return AnswerBearer(*parsed, req, sent);
  }
  if (FindChallenge(challenges, "basic") != nullptr) return AnswerBasic(resp, req, sent);
  std::string schemes;
  for (const Challenge& c : challenges) schemes += (schemes.empty() ? "" : ", ") + AuthQuote(c.scheme, 40);
  return Error(ErrorCode::kUnsupported, "registry " + config_.registry + " asks for " +
                                            (schemes.empty() ? std::string("no") : schemes) +
                                            " authentication; hoist speaks Basic and Bearer");
}

Result<AuthTransport::Attached> AuthTransport::AnswerBearer(const BearerChallenge& challenge, Request& req,
                                   const Attached& sent) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    scheme_ = Scheme::kBearer;
    bearer_.realm = challenge.realm;
    bearer_.service = challenge.service;
    if (scopes_.size() < kMaxScopes) scopes_ = MergeScopes(scopes_, challenge.scopes);
  }
  Log("registry " + config_.registry + " asks for a Bearer token from " +
      SanitizeUrl(challenge.realm) + " (scope: " + JoinScopes(challenge.scopes) +
      (challenge.error.empty() ? "" : ", error: " + Printable(challenge.error, 40)) + ")");
  HOIST_TRY_ASSIGN(std::string token, TokenFor(sent.token));
  req.SetHeader("Authorization", "Bearer " + token);
  Attached attached;
  attached.token = std::move(token);
  return attached;
}

Result<AuthTransport::Attached> AuthTransport::AnswerBasic(const Response& resp, Request& req, const Attached& sent) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    scheme_ = Scheme::kBasic;
  }
  Log("registry " + config_.registry + " asks for Basic authentication");
  // No login, or the very credentials just refused: asking again cannot help.
  if (!config_.credential || !HasPassword(*config_.credential) || sent.basic) {
    return Rejected(resp, sent);
  }
  req.SetHeader("Authorization", BasicAuthorization(*config_.credential));
  Attached attached;
  attached.basic = true;
  std::lock_guard<std::mutex> lock(mu_);
  credential_use_ = CredentialUse::kSent;
  return attached;
}

Result<std::string> AuthTransport::TokenFor(const std::optional<std::string>& stale) {
  std::vector<std::string> scopes;
  BearerChallenge challenge;
  {
    std::lock_guard<std::mutex> lock(mu_);
    scopes = scopes_;
    challenge = bearer_;
  }
  TokenKey key = Key(scopes);
  std::lock_guard<std::mutex> fetching(fetch_mu_);
  // Another thread may have fetched while this one waited; a token the registry just refused
  // is not used again.
  if (auto cached = cache_->Get(key); cached && (!stale || cached->token != *stale)) {
    return std::move(cached->token);
  }
  if (stale) {
    cache_->Invalidate(key);
    Log("dropped the token the registry " + config_.registry + " refused; fetching a new one");
  }
  TokenFetch fetch;
  fetch.registry = config_.registry;
  fetch.challenge = challenge;
  fetch.scopes = scopes;
  fetch.credential = config_.credential ? &*config_.credential : nullptr;
  fetch.allow_plain_http = config_.insecure;
  if (config_.insecure_loopback_only) {
    auto realm = ParseOrigin(challenge.realm);
    fetch.allow_plain_http = realm.ok() && IsLoopbackHost(realm->HostPort());
  }
  Log("fetching a token for " + config_.registry + " from " + SanitizeUrl(challenge.realm) +
      " (scope: " + JoinScopes(scopes) + ", " +
      (fetch.credential ? DescribeLogin(*fetch.credential) : std::string("anonymous")) + ")");
  HOIST_TRY_ASSIGN(FetchedToken fetched, FetchToken(*inner_, fetch));
  if (fetched.credentials_withheld) {
    Log("credentials withheld from the plain-http token service " + SanitizeUrl(challenge.realm));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    credentials_withheld_ = fetched.credentials_withheld;
    if (fetched.credentials_withheld) {
      credential_use_ = CredentialUse::kWithheld;
    } else if (fetch.credential && (HasPassword(*fetch.credential) || HasIdentityToken(*fetch.credential))) {
      credential_use_ = CredentialUse::kSent;
    }
  }
  std::string token = fetched.token.token;
  cache_->Put(key, std::move(fetched.token));
  return token;
}

AuthTransport::CredentialUse AuthTransport::credential_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return credential_use_;
}

Error AuthTransport::Rejected(const Response& resp, const Attached& sent) const {
  const std::optional<Credential>& cred = config_.credential;
  bool has_login = cred && (HasPassword(*cred) || (sent.token && HasIdentityToken(*cred)));
  bool withheld;
  std::string realm;
  std::vector<std::string> scopes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    withheld = credentials_withheld_;
    realm = bearer_.realm;
    scopes = scopes_;
  }
  const std::string& r = config_.registry;
  std::string login_hint = "log in with `hoist login " + r + "`";
  if (!has_login) {
    return WithRegistryMessage(ErrorCode::kUnauthorized,
                               "registry " + r + " requires authentication: " + login_hint, resp);
  }
  if (sent.token && withheld) {
    return WithRegistryMessage(
        ErrorCode::kUnauthorized,
        "registry " + r + " refused anonymous access; the stored credentials were not sent because "
            "its token service " + SanitizeUrl(realm) + " is plain http",
        resp);
  }
  if (sent.token) {
    // A valid token without the access asked for: the login works but lacks permission.
    std::string error;
    if (auto challenges = ParseChallenges(resp, r); challenges.ok()) {
      if (const Challenge* b = FindChallenge(*challenges, "bearer")) {
        if (auto it = b->params.find("error"); it != b->params.end()) error = it->second;
      }
    }
    if (error == "insufficient_scope") {
      return WithRegistryMessage(ErrorCode::kDenied,
                                 DescribeLogin(*cred) + " is not granted " + JoinScopes(scopes) +
                                     " on registry " + r,
                                 resp);
    }
  }
  return WithRegistryMessage(ErrorCode::kUnauthorized,
                             "registry " + r + " rejected the credentials of " +
                                 DescribeLogin(*cred) + ": " + login_hint + " again",
                             resp);
}

}  // namespace hoist::registry
