// The host-level API object: the /v2/ ping and the way to a repository.

#include "registry/client/client_util.h"
#include "registry/client/registry_api.h"

namespace hoist::registry {

Result<RegistryApi> RegistryApi::Open(std::shared_ptr<HttpClient> http,
                                      std::string_view base_url) {
  if (!http) return InvalidArgument("a registry client needs an HTTP client");
  HOIST_TRY_ASSIGN(std::string base, client_detail::NormalizeBaseUrl(base_url));
  return RegistryApi(std::move(http), std::move(base));
}

Status RegistryApi::Ping() const {
  const std::string context = "contact the registry at " + base_url_;
  Request req;
  req.url = base_url_ + "/v2/";
  HOIST_TRY_ASSIGN(Response resp, client_detail::Send(*http_, req, context));
  if (resp.status == 404) {
    Error e = client_detail::HttpError(resp, context);
    return Error(ErrorCode::kUnsupported,
                 e.message() + " (this host does not speak the OCI Distribution API)")
        .WithRegistry(*e.registry())
        .WithContext(context);
  }
  if (!resp.ok()) return client_detail::HttpError(resp, context);
  return Ok();
}

Result<Repository> RegistryApi::Repo(std::string_view name) const {
  return Repository::Open(http_, base_url_, name);
}

}  // namespace hoist::registry
