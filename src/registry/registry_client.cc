#include "registry/registry_client.h"

#include "registry/auth/auth_transport.h"
#include "registry/auth/scope.h"
#include "registry/http/tls_config.h"
#include "registry/plain_http_probe.h"

namespace hoist::registry {

std::string ApiHost(std::string_view domain) {
  if (domain == "docker.io" || domain == "index.docker.io") return "registry-1.docker.io";
  return std::string(domain);
}

RegistryClient::RegistryClient(ClientOptions options)
    : options_(std::move(options)), keychain_(options_.keychain) {
  if (options_.debug_log && !options_.http.debug_log) options_.http.debug_log = options_.debug_log;
  curl_ = std::make_shared<CurlClient>(options_.http);
  if (options_.max_requests_per_second > 0) {
    limited_ = std::make_unique<RateLimitedClient>(*curl_, options_.max_requests_per_second);
  }
  HttpClient& transport = limited_ ? static_cast<HttpClient&>(*limited_) : *curl_;
  retrying_ = std::make_shared<RetryingClient>(transport, options_.retry, RetryingClient::SleepFn{},
                                               options_.debug_log);
}

RegistryClient::~RegistryClient() = default;

std::string RegistryClient::SchemeOf(const std::string& host) {
  const TlsSettings& tls = options_.http.tls;
  const bool named_insecure = IsInsecureRegistry(host, tls);
  if (!named_insecure && (!tls.loopback_plain_http || !IsLoopbackHost(host))) return "https";
  // Held while probing: parallel opens of one registry wait for the one answer.
  std::lock_guard<std::mutex> lock(scheme_mu_);
  auto it = schemes_.find(host);
  if (it == schemes_.end()) {
    HttpsProbe probe = ProbeHttps(options_.http, host);
    // Named insecure: https (unverified) when a handshake completes, else http. Loopback only:
    // https unless the port plainly speaks HTTP, so a TLS error there is reported, not hidden.
    bool http = named_insecure ? probe != HttpsProbe::kTls : probe == HttpsProbe::kPlainHttp;
    if (options_.debug_log) options_.debug_log("registry " + host + ": using " + (http ? "http" : "https"));
    it = schemes_.emplace(host, http ? "http" : "https").first;
  }
  return it->second;
}

std::string RegistryClient::BaseUrl(std::string_view domain) {
  std::string host = ApiHost(domain);
  return SchemeOf(host) + "://" + host;
}

void RegistryClient::ConfigurePlainHttp(AuthConfig& auth) {
  auth.insecure = IsInsecureRegistry(auth.registry, options_.http.tls);
  if (!auth.insecure && SchemeOf(auth.registry) == "http") {
    auth.insecure = true;
    auth.insecure_loopback_only = true;
  }
}

Result<std::optional<Credential>> RegistryClient::CredentialFor(std::string_view domain) {
  if (options_.anonymous) return std::optional<Credential>();
  if (auto it = options_.credentials.find(domain); it != options_.credentials.end()) {
    return std::optional<Credential>(it->second);
  }
  auto cred = keychain_.Get(domain);
  if (!cred.ok()) return std::move(cred).error().WithContext("credentials for " + std::string(domain));
  return cred;
}

std::shared_ptr<HttpClient> RegistryClient::Transport(std::string_view domain,
                                                      std::vector<std::string> scopes,
                                                      std::optional<Credential> credential) {
  AuthConfig auth;
  auth.registry = ApiHost(domain);
  ConfigurePlainHttp(auth);
  auth.scopes = std::move(scopes);
  auth.credential = std::move(credential);
  auth.token_cache = &tokens_;
  auth.debug_log = options_.debug_log;
  // The retrying client is shared; keep it alive as long as this transport.
  auto retrying = retrying_;
  return std::shared_ptr<HttpClient>(new AuthTransport(retrying, std::move(auth)));
}

Result<Repository> RegistryClient::OpenRepository(const Reference& ref, Access access,
                                                  const std::vector<std::string>& mount_from) {
  HOIST_TRY_ASSIGN(auto credential, CredentialFor(ref.domain()));
  std::vector<std::string> scopes;
  switch (access) {
    case Access::kPull: scopes.push_back(RepositoryScope(ref.repository(), {"pull"})); break;
    case Access::kPush: scopes.push_back(RepositoryScope(ref.repository(), {"pull", "push"})); break;
    case Access::kDelete: scopes.push_back(RepositoryScope(ref.repository(), {"pull", "delete"})); break;
  }
  for (const auto& from : mount_from) scopes.push_back(RepositoryScope(from, {"pull"}));
  return Repository::Open(Transport(ref.domain(), std::move(scopes), std::move(credential)),
                          BaseUrl(ref.domain()), ref.repository());
}

Result<RegistryApi> RegistryClient::OpenRegistry(std::string_view domain) {
  HOIST_TRY(Reference::ValidateDomain(domain));
  HOIST_TRY_ASSIGN(auto credential, CredentialFor(domain));
  return RegistryApi::Open(Transport(domain, {"registry:catalog:*"}, std::move(credential)),
                           BaseUrl(domain));
}

Result<RegistryApi> RegistryClient::OpenSearch(std::string_view domain) {
  if (ApiHost(domain) != "registry-1.docker.io") return OpenRegistry(domain);
  HOIST_TRY_ASSIGN(auto credential, CredentialFor(domain));
  return RegistryApi::Open(Transport(domain, {}, std::move(credential)), "https://index.docker.io");
}

Status RegistryClient::CheckLogin(std::string_view domain, const Credential& credential) {
  HOIST_TRY(Reference::ValidateDomain(domain));
  AuthConfig auth;
  auth.registry = ApiHost(domain);
  ConfigurePlainHttp(auth);
  auth.credential = credential;
  auth.debug_log = options_.debug_log;
  // A private token cache: a token fetched earlier in this process must not stand in for the check.
  auto transport = std::make_shared<AuthTransport>(retrying_, std::move(auth));
  HOIST_TRY_ASSIGN(auto api, RegistryApi::Open(transport, BaseUrl(domain)));
  HOIST_TRY(api.Ping());
  if (transport->credential_use() == AuthTransport::CredentialUse::kWithheld) {
    // The registry let us in anonymously; the password was never checked, so it must not be saved.
    return Error(ErrorCode::kUnauthorized,
                 "the credentials were not checked: registry " + ApiHost(domain) +
                     " is https but its token service is plain http, and hoist sends no password over "
                     "plain http (name the registry with --insecure-registry to allow it); nothing was saved");
  }
  return Ok();
}

}  // namespace hoist::registry
