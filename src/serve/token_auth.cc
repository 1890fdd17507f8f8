#include "serve/token_auth.h"

#include <nlohmann/json.hpp>

#include "core/json_parse.h"

namespace hoist::serve {

namespace {

// A challenge parameter's value: no quote, backslash or control character from a client's path.
std::string Quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  }
  return out + "\"";
}

Response Unauthorized(const TokenAuthOptions& o, const std::vector<NeededAccess>& needed, const char* error,
                      const std::string& message, const char* reason) {
  std::string challenge = "Bearer realm=" + Quoted(o.realm) + ",service=" + Quoted(o.service);
  if (!needed.empty()) challenge += ",scope=" + Quoted(ScopeParameter(needed));
  if (error) challenge += std::string(",error=\"") + error + "\"";
  nlohmann::json e = {{"code", "UNAUTHORIZED"}, {"message", message}};
  if (reason) e["detail"] = {{"reason", reason}};
  if (!needed.empty()) {
    nlohmann::json access = nlohmann::json::array();
    for (const NeededAccess& n : needed) {
      for (const std::string& a : n.actions) access.push_back({{"Type", n.type}, {"Name", n.name}, {"Action", a}});
    }
    if (!reason) e["detail"] = access;  // Distribution's detail: the access that was missing
  }
  Response r(401);
  r.body = DumpJson(nlohmann::json{{"errors", nlohmann::json::array({e})}});
  r.Set("Content-Type", "application/json; charset=utf-8");
  r.Set("WWW-Authenticate", challenge);
  return r;
}

}  // namespace

std::vector<NeededAccess> RequiredAccess(const Request& req, const Route& route) {
  std::vector<NeededAccess> out;
  switch (route.kind) {
    case Route::Kind::kPing:
    case Route::Kind::kMetrics:
    case Route::Kind::kUnknown: return out;
    case Route::Kind::kCatalog: return {{"registry", "catalog", {"*"}}};
    default: break;
  }
  const std::string& m = req.method;
  NeededAccess repo{"repository", route.name, {}};
  if (m == "GET" || m == "HEAD") {
    repo.actions = {"pull"};
  } else if (m == "POST" || m == "PUT" || m == "PATCH") {
    repo.actions = {"pull", "push"};
  } else if (m == "DELETE") {
    repo.actions = {"delete"};
  } else {
    repo.actions = {"pull"};  // answered 405 by the handler, once authenticated
  }
  out.push_back(std::move(repo));
  if (route.kind == Route::Kind::kUploadStart && m == "POST" && req.Query("mount")) {
    if (auto from = req.Query("from"); from && *from != route.name) {
      out.push_back({"repository", *from, {"pull"}});
    }
  }
  return out;
}

std::string ScopeParameter(const std::vector<NeededAccess>& needed) {
  std::string out;
  for (const NeededAccess& n : needed) {
    if (!out.empty()) out += ' ';
    out += n.type + ":" + n.name + ":";
    for (size_t i = 0; i < n.actions.size(); ++i) out += (i ? "," : "") + n.actions[i];
  }
  return out;
}

std::optional<Response> AuthorizeBearer(const TokenVerifier& verifier, Request& req, const Route& route) {
  const std::vector<NeededAccess> needed = RequiredAccess(req, route);
  const std::string authorization = req.Header("authorization");
  const auto& o = verifier.options();
  // The scheme is case-insensitive (RFC 7235).
  if (authorization.size() < 7 || (authorization.compare(0, 7, "Bearer ") != 0 &&
                                   authorization.compare(0, 7, "bearer ") != 0 &&
                                   authorization.compare(0, 7, "BEARER ") != 0)) {
    return Unauthorized(o, needed, nullptr, "authentication required: fetch a token from " + o.realm, nullptr);
  }
  std::string_view token(authorization);
  token.remove_prefix(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  TokenCheck check = verifier.Verify(token);
  if (!check.ok()) {
    return Unauthorized(o, needed, "invalid_token", check.message, TokenRefusalCode(check.refusal));
  }
  for (const NeededAccess& n : needed) {
    for (const std::string& a : n.actions) {
      if (!check.token->Allows(n.type, n.name, a)) {
        return Unauthorized(o, needed, "insufficient_scope",
                            "the token does not grant " + n.type + ":" + n.name + ":" + a, nullptr);
      }
    }
  }
  req.user = check.token->subject;
  return std::nullopt;
}

}  // namespace hoist::serve
