#include "registry/auth/token_fetch.h"
#include "core/base64.h"

#include <optional>

#include "core/io.h"
#include "registry/auth/auth_text.h"
#include "registry/http/sanitize.h"
#include "registry/http/url.h"
#include "registry/registry_errors.h"

namespace hoist::registry {

namespace {

constexpr uint64_t kMaxTokenResponse = 256 * 1024;
constexpr const char* kClientId = "hoist";

bool Unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string Join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

void AddParam(std::string& query, std::string_view name, std::string_view value) {
  if (!query.empty()) query += '&';
  query += name;
  query += '=';
  query += FormEscape(value);
}

std::string WithQuery(const std::string& realm, const std::string& query) {
  if (query.empty()) return realm;
  size_t hash = realm.find('#');
  std::string base = hash == std::string::npos ? realm : realm.substr(0, hash);
  char sep = base.find('?') == std::string::npos ? '?' : (base.back() == '?' ? '\0' : '&');
  return sep ? base + sep + query : base + query;
}

std::string Where(const TokenFetch& f) {
  return "getting a token for registry " + f.registry + " from " + SanitizeUrl(f.challenge.realm);
}

}  // namespace

std::string FormEscape(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    if (Unreserved(c)) {
      out += c;
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

bool HasPassword(const Credential& c) { return !c.username.empty() && !c.password.empty(); }
bool HasIdentityToken(const Credential& c) { return !c.identity_token.empty(); }

std::string DescribeLogin(const Credential& c) {
  if (HasIdentityToken(c)) return "the identity token";
  return "user " + AuthQuote(c.username, 64);
}

Result<FetchedToken> FetchToken(HttpClient& http, const TokenFetch& f) {
  HOIST_TRY_ASSIGN(UrlOrigin realm, ParseOrigin(f.challenge.realm));
  FetchedToken out;
  const Credential* cred = f.credential;
  if (cred && !HasPassword(*cred) && !HasIdentityToken(*cred)) cred = nullptr;
  if (cred && realm.scheme == "http" && !f.allow_plain_http) {
    // The registry is spoken to over TLS: its credentials must not cross the wire in clear.
    cred = nullptr;
    out.credentials_withheld = true;
  }

  Request req;
  req.max_buffered_body = kMaxTokenResponse;
  req.SetHeader("Accept", "application/json");
  std::optional<StringReader> form_reader;
  if (cred && HasIdentityToken(*cred)) {
    std::string form;
    AddParam(form, "grant_type", "refresh_token");
    AddParam(form, "refresh_token", cred->identity_token);
    if (!f.challenge.service.empty()) AddParam(form, "service", f.challenge.service);
    if (!f.scopes.empty()) AddParam(form, "scope", Join(f.scopes, ' '));
    AddParam(form, "client_id", kClientId);
    req.method = "POST";
    req.url = f.challenge.realm;
    req.SetHeader("Content-Type", "application/x-www-form-urlencoded");
    form_reader.emplace(form);
    req.body = &*form_reader;
    req.body_size = static_cast<int64_t>(form.size());
    req.rewind = [&form_reader, form] {
      form_reader.emplace(form);
      return Ok();
    };
  } else {
    std::string query;
    if (!f.challenge.service.empty()) AddParam(query, "service", f.challenge.service);
    for (const std::string& s : f.scopes) AddParam(query, "scope", s);
    if (cred) {
      AddParam(query, "account", cred->username);
      req.SetHeader("Authorization", "Basic " + EncodeBase64(cred->username + ":" + cred->password));
    }
    req.method = "GET";
    req.url = WithQuery(f.challenge.realm, query);
  }

  auto resp = http.Do(req);
  if (!resp.ok()) return std::move(resp).error().WithContext(Where(f));
  if (resp->status == 401 || resp->status == 403) {
    Error e = ErrorFromResponse(*resp);
    std::string msg =
        cred ? "the token service rejected " + DescribeLogin(*cred) + " for registry " + f.registry
             : "registry " + f.registry + " requires authentication (its token service refused " +
                   "anonymous access): log in with `hoist login " + f.registry + "`";
    if (out.credentials_withheld) {
      msg += " (the stored credentials were not sent: the token service " +
             SanitizeUrl(f.challenge.realm) + " is plain http)";
    }
    return Error(ErrorCode::kUnauthorized, msg + ": " + e.message())
        .WithRegistry(e.registry().value_or(RegistryDetails{}));
  }
  if (!resp->ok()) return ErrorFromResponse(*resp).WithContext(Where(f));
  auto token = ParseTokenResponse(resp->body, SanitizeUrl(f.challenge.realm),
                                  resp->Header("Content-Type").value_or(""));
  if (!token.ok()) return std::move(token).error().WithContext("registry " + f.registry);
  out.token = std::move(token).value();
  return out;
}

}  // namespace hoist::registry
