#pragma once
// RegistryClient: the one place the HTTP stack is composed, auth(retry(curl)), and the entry point
// commands use to reach a registry. One per process: connections, TLS sessions, tokens and
// credentials are shared by every repository opened through it.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/reference.h"
#include "registry/auth/auth_transport.h"
#include "registry/auth/keychain.h"
#include "registry/auth/token.h"
#include "registry/client/registry_api.h"
#include "registry/client/repository.h"
#include "registry/http/curl_client.h"
#include "registry/http/rate_limited_client.h"
#include "registry/retry.h"

namespace hoist::registry {

struct ClientOptions {
  HttpClientOptions http;  // TLS settings (insecure registries, --tls-verify, --ca-file) live here
  RetryPolicy retry;
  KeychainOptions keychain = KeychainOptions::FromEnvironment();
  bool anonymous = false;  // never look up or send credentials
  // Credentials per registry host that win over the keychain (a mirror config's `credentials`).
  std::map<std::string, Credential, std::less<>> credentials;
  // Requests per second for the whole client (0: no limit); retries count too.
  double max_requests_per_second = 0;
  // Hears requests, retries, challenges and token fetches; never a secret.
  std::function<void(std::string_view)> debug_log;
};

enum class Access { kPull, kPush, kDelete };

class RegistryClient {
 public:
  explicit RegistryClient(ClientOptions options);
  ~RegistryClient();

  // The repository of `ref` on its registry, authorized for `access`. `mount_from` names other
  // repositories on the same registry whose blobs may be mounted (their pull scope is added).
  Result<Repository> OpenRepository(const Reference& ref, Access access,
                                    const std::vector<std::string>& mount_from = {});
  // Registry-wide API (ping, catalog) for a registry as the user names it ("docker.io", "host:port").
  Result<RegistryApi> OpenRegistry(std::string_view domain);
  // The host whose /v1/search answers for `domain`: Docker Hub's search lives on index.docker.io,
  // not on its registry host; any other registry answers on its own host.
  Result<RegistryApi> OpenSearch(std::string_view domain);
  // Checks `credential` against `domain` without storing anything (for `hoist login`).
  Status CheckLogin(std::string_view domain, const Credential& credential);

  Keychain& keychain() { return keychain_; }
  // "https://registry-1.docker.io"; "http://127.0.0.1:5000" for a registry named insecure, or a
  // loopback one whose port answers TLS with plain HTTP (probed once per host, then remembered).
  std::string BaseUrl(std::string_view domain);

 private:
  std::shared_ptr<HttpClient> Transport(std::string_view domain, std::vector<std::string> scopes,
                                        std::optional<Credential> credential);
  Result<std::optional<Credential>> CredentialFor(std::string_view domain);
  std::string SchemeOf(const std::string& host);
  void ConfigurePlainHttp(AuthConfig& auth);

  ClientOptions options_;
  std::shared_ptr<CurlClient> curl_;
  std::unique_ptr<RateLimitedClient> limited_;
  std::shared_ptr<RetryingClient> retrying_;
  TokenCache tokens_;
  Keychain keychain_;
  std::mutex scheme_mu_;
  std::map<std::string, std::string, std::less<>> schemes_;  // insecure and loopback hosts probed so far
};

// docker.io → registry-1.docker.io; everything else as written.
std::string ApiHost(std::string_view domain);

}  // namespace hoist::registry
