#pragma once
// The docker-credential-* protocol: `docker-credential-NAME get|store|erase`, the server URL (get,
// erase) or {"ServerURL","Username","Secret"} (store) on stdin, {"Username","Secret"} on stdout.
// Secrets travel only through the pipes, never on the command line.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "registry/auth/credential.h"

namespace hoist::registry {

struct CredentialHelperOptions {
  // Generous: some helpers (pass, gpg) may ask for a passphrase.
  std::chrono::milliseconds timeout{60000};
  size_t max_output = 1 << 20;
};

class CredentialHelper {
 public:
  // `name` as in config.json ("desktop", "ecr-login"); the program is docker-credential-NAME on PATH.
  explicit CredentialHelper(std::string name, CredentialHelperOptions options = {});

  const std::string& program() const { return program_; }

  // nullopt when the helper has nothing for this server ("credentials not found in native keychain").
  Result<std::optional<Credential>> Get(std::string_view server_url) const;
  Status Store(std::string_view server_url, const Credential& credential) const;
  // Erasing what is not there is not an error.
  Status Erase(std::string_view server_url) const;

 private:
  struct Outcome {
    int exit_status = 0;  // 0 = success
    std::string out;      // stdout
    std::string err;      // first bytes of stderr
  };
  Result<Outcome> Run(const char* action, std::string_view input) const;
  Error Failed(const char* action, std::string_view server_url, const Outcome& o,
               std::string_view secret) const;

  std::string name_;
  std::string program_;
  CredentialHelperOptions options_;
};

}  // namespace hoist::registry
