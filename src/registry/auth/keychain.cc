#include "registry/auth/keychain.h"

#include <cstdlib>

#include "registry/auth/auth_text.h"
#include "registry/auth/docker_config.h"

namespace hoist::registry {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

KeychainOptions KeychainOptions::FromEnvironment() {
  KeychainOptions o;
  o.docker_config_dir = Env("DOCKER_CONFIG");
  if (o.docker_config_dir.empty()) {
    std::string home = Env("HOME");
    if (!home.empty()) o.docker_config_dir = home + "/.docker";
  }
  o.auth_file = Env("REGISTRY_AUTH_FILE");
  o.xdg_runtime_dir = Env("XDG_RUNTIME_DIR");
  return o;
}

Keychain::Keychain(KeychainOptions options) : options_(std::move(options)) {}

std::string Keychain::DockerConfigPath() const {
  if (options_.docker_config_dir.empty()) return "";
  return options_.docker_config_dir + "/config.json";
}

std::vector<std::string> Keychain::SearchPath() const {
  std::vector<std::string> paths;
  if (!options_.auth_file.empty()) paths.push_back(options_.auth_file);
  if (!options_.xdg_runtime_dir.empty()) {
    paths.push_back(options_.xdg_runtime_dir + "/containers/auth.json");
  }
  if (std::string docker = DockerConfigPath(); !docker.empty()) paths.push_back(docker);
  return paths;
}

Result<std::optional<Credential>> Keychain::GetFrom(const std::string& path,
                                                    std::string_view host) const {
  HOIST_TRY_ASSIGN(AuthFile file, AuthFile::Load(path));
  if (!file.exists()) return std::optional<Credential>();
  if (std::string helper = file.HelperFor(host); !helper.empty()) {
    CredentialHelper h(helper, options_.helper);
    auto got = h.Get(DockerServerAddress(host));
    if (!got.ok()) return std::move(got).error().WithContext("credentials for " + std::string(host));
    if (*got) return got;
    // Nothing in the helper: an "auths" entry written by hand may still be there.
  }
  return file.Lookup(host);
}

Result<std::optional<Credential>> Keychain::Get(std::string_view host) const {
  for (const std::string& path : SearchPath()) {
    HOIST_TRY_ASSIGN(std::optional<Credential> found, GetFrom(path, host));
    if (found) return found;
  }
  return std::optional<Credential>();
}

Status Keychain::Store(std::string_view host, const Credential& credential) const {
  std::string path = DockerConfigPath();
  if (path.empty()) {
    return InvalidArgument("cannot save credentials: no docker config directory (set DOCKER_CONFIG or HOME)");
  }
  if (!IsValidUtf8(credential.username) || !IsValidUtf8(credential.password) ||
      !IsValidUtf8(credential.identity_token)) {
    return InvalidArgument("cannot save credentials for " + AuthQuote(host) +
                           ": they are not valid UTF-8 text");
  }
  // A broken file is reported, not overwritten: it may hold other logins.
  HOIST_TRY_ASSIGN(AuthFile file, AuthFile::Load(path));
  if (std::string helper = file.HelperFor(host); !helper.empty()) {
    CredentialHelper h(helper, options_.helper);
    HOIST_TRY(h.Store(DockerServerAddress(host), credential));
    if (file.ClearSecrets(host)) HOIST_TRY(file.Save());
    return Ok();
  }
  file.Put(host, credential);
  return file.Save();
}

Result<bool> Keychain::Erase(std::string_view host) const {
  std::string path = DockerConfigPath();
  if (path.empty()) return false;
  HOIST_TRY_ASSIGN(AuthFile file, AuthFile::Load(path));
  bool erased = false;
  if (std::string helper = file.HelperFor(host); !helper.empty()) {
    CredentialHelper h(helper, options_.helper);
    auto had = h.Get(DockerServerAddress(host));
    if (had.ok() && *had) erased = true;
    HOIST_TRY(h.Erase(DockerServerAddress(host)));
  }
  if (file.Remove(host)) {
    erased = true;
    HOIST_TRY(file.Save());
  }
  return erased;
}

}  // namespace hoist::registry
