#include "registry/auth/credential_helper.h"

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "registry/auth/auth_text.h"
#include "registry/auth/subprocess.h"

namespace hoist::registry {

namespace {

using json = nlohmann::json;

// The message docker-credential-helpers print when they have nothing stored for a server.
constexpr std::string_view kNotFound = "credentials not found in native keychain";
constexpr std::string_view kTokenUser = "<token>";

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
  return s.substr(i);
}

// A helper's error text should hold no secret, but make sure of it.
std::string Redact(std::string s, std::string_view secret) {
  if (secret.empty()) return s;
  for (size_t at = s.find(secret); at != std::string::npos; at = s.find(secret, at)) {
    s.replace(at, secret.size(), "***");
  }
  return s;
}

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

CredentialHelper::CredentialHelper(std::string name, CredentialHelperOptions options)
    : name_(std::move(name)), program_("docker-credential-" + name_), options_(options) {}

Result<CredentialHelper::Outcome> CredentialHelper::Run(const char* action,
                                                        std::string_view input) const {
  // A name with a slash would make posix_spawnp run an arbitrary path.
  if (!ValidName(name_)) {
    return InvalidArgument("credential helper name " + AuthQuote(name_) +
                           " is not valid (letters, digits, '-', '_', '.' only)");
  }
  auto r = RunSubprocess({program_, action}, input, options_.timeout, options_.max_output);
  if (!r.ok()) {
    Error e = std::move(r).error();
    return std::move(e).WithContext(std::string("credential helper ") + action);
  }
  Outcome o;
  o.exit_status = r->exit_status;
  o.out = std::move(r->out);
  o.err = std::move(r->err);
  return o;
}

Error CredentialHelper::Failed(const char* action, std::string_view server_url, const Outcome& o,
                               std::string_view secret) const {
  std::string said = Trim(Redact(o.out.empty() ? o.err : o.out, secret));
  std::string msg = program_ + " " + action + " for " + AuthQuote(server_url) + " failed (exit status " +
                    std::to_string(o.exit_status) + ")";
  if (!said.empty()) msg += ": " + AuthQuote(said, 300);
  return IOError(std::move(msg));
}

Result<std::optional<Credential>> CredentialHelper::Get(std::string_view server_url) const {
  HOIST_TRY_ASSIGN(Outcome o, Run("get", server_url));
  if (o.exit_status != 0) {
    if (o.out.find(kNotFound) != std::string::npos) return std::optional<Credential>();
    return Failed("get", server_url, o, {});
  }
  // The answer holds the secret: never echo it.
  auto parsed = ParseJson(o.out);
  json doc = parsed.ok() ? std::move(parsed).value() : json(json::value_t::discarded);
  auto malformed = [&](const std::string& why) {
    return ParseError(program_ + " get for " + AuthQuote(server_url) + " gave a malformed answer: " +
                      why + " (" + std::to_string(o.out.size()) + " bytes)");
  };
  if (doc.is_discarded() || !doc.is_object()) return malformed("not a JSON object");
  std::string user, secret;
  for (auto [field, out] : {std::pair{"Username", &user}, std::pair{"Secret", &secret}}) {
    auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_string()) return malformed(std::string("\"") + field + "\" is not a string");
    *out = it->get<std::string>();
  }
  if (user.empty() && secret.empty()) return std::optional<Credential>();
  Credential c;
  if (user == kTokenUser) {
    c.identity_token = std::move(secret);
  } else {
    c.username = std::move(user);
    c.password = std::move(secret);
  }
  return std::optional<Credential>(std::move(c));
}

Status CredentialHelper::Store(std::string_view server_url, const Credential& credential) const {
  bool token = !credential.identity_token.empty();
  const std::string& secret = token ? credential.identity_token : credential.password;
  if (!IsValidUtf8(credential.username) || !IsValidUtf8(secret) || !IsValidUtf8(server_url)) {
    return InvalidArgument("cannot store credentials for " + AuthQuote(server_url) +
                           " in " + program_ + ": they are not valid UTF-8 text");
  }
  json doc = {{"ServerURL", std::string(server_url)},
              {"Username", token ? std::string(kTokenUser) : credential.username},
              {"Secret", secret}};
  std::string input = DumpJson(doc);
  HOIST_TRY_ASSIGN(Outcome o, Run("store", input));
  if (o.exit_status != 0) return Failed("store", server_url, o, secret);
  return Ok();
}

Status CredentialHelper::Erase(std::string_view server_url) const {
  HOIST_TRY_ASSIGN(Outcome o, Run("erase", server_url));
  if (o.exit_status != 0) {
    if (o.out.find(kNotFound) != std::string::npos) return Ok();
    return Failed("erase", server_url, o, {});
  }
  return Ok();
}

}  // namespace hoist::registry
