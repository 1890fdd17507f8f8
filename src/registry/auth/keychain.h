#pragma once
// Where credentials for a registry come from and go to, compatible with docker and podman/skopeo:
//   1. $REGISTRY_AUTH_FILE                      (containers' auth.json)
//   2. $XDG_RUNTIME_DIR/containers/auth.json    (podman/skopeo's default)
//   3. $DOCKER_CONFIG/config.json or ~/.docker/config.json
// In each file a host's credHelpers entry wins over credsStore, which wins over the "auths" entry.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "registry/auth/credential.h"
#include "registry/auth/credential_helper.h"

namespace hoist::registry {

struct KeychainOptions {
  std::string docker_config_dir;  // holds config.json; "": no docker config
  std::string auth_file;          // containers' auth.json; "": none
  std::string xdg_runtime_dir;    // "": none
  CredentialHelperOptions helper;

  // $DOCKER_CONFIG (else ~/.docker), $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR.
  static KeychainOptions FromEnvironment();
};

class Keychain {
 public:
  explicit Keychain(KeychainOptions options);

  // The credential for a registry host ("docker.io", "localhost:5000"), or nullopt for anonymous
  // access. A broken credentials file or a failing helper is an error.
  Result<std::optional<Credential>> Get(std::string_view host) const;

  // `hoist login`: through the host's helper when config.json names one (config.json then keeps
  // no secret for it), else into config.json's "auths", atomically, mode 0600.
  Status Store(std::string_view host, const Credential& credential) const;

  // `hoist logout`: removes the host's credential from its helper and from config.json.
  // True if there was one to remove.
  Result<bool> Erase(std::string_view host) const;

  // The files consulted by Get, in order.
  std::vector<std::string> SearchPath() const;
  std::string DockerConfigPath() const;

 private:
  Result<std::optional<Credential>> GetFrom(const std::string& path, std::string_view host) const;

  KeychainOptions options_;
};

}  // namespace hoist::registry
