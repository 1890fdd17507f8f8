#include "registry/auth/docker_config.h"
#include "core/base64.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "core/fs.h"
#include "core/io.h"
#include "core/json_parse.h"
#include "registry/auth/auth_text.h"

namespace hoist::registry {

namespace {

using json = nlohmann::ordered_json;

constexpr uint64_t kMaxConfigSize = 16 << 20;
constexpr std::string_view kHubAddress = "https://index.docker.io/v1/";
const char* const kSecretFields[] = {"auth", "username", "password", "identitytoken"};

bool HasScheme(std::string_view key) {
  std::string lower = AuthLower(key.substr(0, 8));
  return lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0;
}

bool OnlyWhitespace(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

std::string NormalizeRegistryHost(std::string_view key) {
  std::string lower = AuthLower(key);
  std::string_view s = lower;
  if (s.rfind("https://", 0) == 0) {
    s.remove_prefix(8);
  } else if (s.rfind("http://", 0) == 0) {
    s.remove_prefix(7);
  }
  s = s.substr(0, s.find('/'));
  if (s == "index.docker.io" || s == "registry-1.docker.io") return "docker.io";
  return std::string(s);
}

std::string DockerServerAddress(std::string_view host) {
  if (NormalizeRegistryHost(host) == "docker.io") return std::string(kHubAddress);
  return std::string(host);
}

Result<AuthFile> AuthFile::Load(const std::string& path) {
  AuthFile f;
  f.path_ = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return f;
    return ErrnoError("read credentials file " + path, errno);
  }
  f.exists_ = true;
  FdReader reader(fd, /*owned=*/true);
  auto text = ReadAll(reader, kMaxConfigSize);
  if (!text.ok()) return std::move(text).error().WithContext("read credentials file " + path);
  if (OnlyWhitespace(*text)) return f;
  // The file holds secrets: say where it is broken, never what it says.
  auto parsed = ParseJson(*text);
  if (!parsed.ok()) return ParseError("credentials file " + path + " is " + parsed.error().message());
  json doc = std::move(parsed).value();
  if (!doc.is_object()) return ParseError("credentials file " + path + " is not a JSON object");
  auto check = [&](const char* field, bool (json::*is)() const, const char* shape) -> Status {
    auto it = doc.find(field);
    if (it == doc.end() || it->is_null() || ((*it).*is)()) return Ok();
    return ParseError("credentials file " + path + ": \"" + field + "\" must be " + shape);
  };
  HOIST_TRY(check("auths", &json::is_object, "an object"));
  HOIST_TRY(check("credHelpers", &json::is_object, "an object"));
  HOIST_TRY(check("credsStore", &json::is_string, "a string"));
  if (auto it = doc.find("credHelpers"); it != doc.end() && it->is_object()) {
    for (auto& [host, helper] : it->items()) {
      if (!helper.is_string()) {
        return ParseError("credentials file " + path + ": the credHelpers entry for " +
                          AuthQuote(host) + " must be a string");
      }
    }
  }
  f.doc_ = std::move(doc);
  return f;
}

std::vector<std::string> AuthFile::MatchingKeys(const char* section, std::string_view host) const {
  std::vector<std::string> exact, similar;
  auto it = doc_.find(section);
  if (it == doc_.end() || !it->is_object()) return exact;
  std::string address = DockerServerAddress(host);
  std::string normalized = NormalizeRegistryHost(host);
  for (auto& item : it->items()) {
    const std::string& key = item.key();
    if (key == host || key == address) {
      exact.push_back(key);
    } else if ((HasScheme(key) || key.find('/') == std::string::npos) &&
               NormalizeRegistryHost(key) == normalized) {
      // Keys with a path but no scheme are containers' per-repository entries, not hosts.
      similar.push_back(key);
    }
  }
  exact.insert(exact.end(), similar.begin(), similar.end());
  return exact;
}

std::string AuthFile::HelperFor(std::string_view host) const {
  std::vector<std::string> keys = MatchingKeys("credHelpers", host);
  if (!keys.empty()) return doc_.at("credHelpers").at(keys.front()).get<std::string>();
  auto it = doc_.find("credsStore");
  if (it != doc_.end() && it->is_string()) return it->get<std::string>();
  return "";
}

Result<std::optional<Credential>> AuthFile::Lookup(std::string_view host) const {
  for (const std::string& key : MatchingKeys("auths", host)) {
    const json& entry = doc_.at("auths").at(key);
    std::string where = "credentials file " + path_ + ": the entry for " + AuthQuote(key);
    if (entry.is_null()) continue;
    if (!entry.is_object()) return ParseError(where + " is not an object");
    std::string fields[4];
    for (size_t i = 0; i < 4; ++i) {
      auto it = entry.find(kSecretFields[i]);
      if (it == entry.end() || it->is_null()) continue;
      if (!it->is_string()) {
        return ParseError(where + " has a \"" + kSecretFields[i] + "\" field that is not a string");
      }
      fields[i] = it->get<std::string>();
    }
    auto& [auth, username, password, identity_token] = fields;
    Credential c;
    if (!auth.empty()) {
      std::optional<std::string> decoded = DecodeBase64(auth, Base64Padding::kOptional);
      if (!decoded) return ParseError(where + " has an \"auth\" field that is not valid base64");
      size_t colon = decoded->find(':');
      if (colon == std::string::npos) {
        return ParseError(where + " has an \"auth\" field that does not decode to \"user:password\"");
      }
      c.username = decoded->substr(0, colon);
      c.password = decoded->substr(colon + 1);
    } else {
      c.username = std::move(username);
      c.password = std::move(password);
    }
    c.identity_token = std::move(identity_token);
    if (c.username.empty() && c.password.empty() && c.identity_token.empty()) continue;
    return std::optional<Credential>(std::move(c));
  }
  return std::optional<Credential>();
}

void AuthFile::Put(std::string_view host, const Credential& credential) {
  if (!doc_.contains("auths") || !doc_["auths"].is_object()) doc_["auths"] = json::object();
  std::vector<std::string> keys = MatchingKeys("auths", host);
  std::string key = keys.empty() ? DockerServerAddress(host) : keys.front();
  json& auths = doc_["auths"];
  for (size_t i = 1; i < keys.size(); ++i) auths.erase(keys[i]);
  json& entry = auths[key];
  if (!entry.is_object()) entry = json::object();
  for (const char* field : kSecretFields) entry.erase(field);
  if (!credential.username.empty() || !credential.password.empty()) {
    entry["auth"] = EncodeBase64(credential.username + ":" + credential.password);
  }
  if (!credential.identity_token.empty()) entry["identitytoken"] = credential.identity_token;
}

bool AuthFile::ClearSecrets(std::string_view host) {
  bool changed = false;
  for (const std::string& key : MatchingKeys("auths", host)) {
    json& entry = doc_["auths"][key];
    if (!entry.is_object()) {
      entry = json::object();
      changed = true;
      continue;
    }
    for (const char* field : kSecretFields) changed |= entry.erase(field) > 0;
  }
  return changed;
}

bool AuthFile::Remove(std::string_view host) {
  std::vector<std::string> keys = MatchingKeys("auths", host);
  for (const std::string& key : keys) doc_["auths"].erase(key);
  return !keys.empty();
}

Status AuthFile::Save() const {
  std::string path = path_;
  // Like docker, write through a symlinked config.json to its target instead of replacing the link.
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr) return ErrnoError("resolve symlink " + path, errno);
    path = resolved;
  }
  HOIST_TRY(MakeDirs(DirName(path), 0700));
  std::string text = DumpJson(doc_, 1, '\t') + "\n";
  return AtomicWriteFile(path, text, 0600);
}

}  // namespace hoist::registry
