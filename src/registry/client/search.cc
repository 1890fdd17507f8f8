// The v1 search API (Docker Hub's /v1/search), where a registry offers it.

#include "registry/client/client_util.h"
#include "registry/client/registry_api.h"

namespace hoist::registry {

Result<std::optional<std::string>> RegistryApi::SearchV1(std::string_view term, int limit) const {
  const std::string context = "search " + base_url_;
  Request req;
  req.url = client_detail::AppendQuery(client_detail::AppendQuery(base_url_ + "/v1/search", "q", term), "n",
                                       std::to_string(limit));
  req.max_buffered_body = kMaxSearchBody;
  HOIST_TRY_ASSIGN(Response resp, client_detail::Send(*http_, req, context));
  // Distribution answers 404; some registries guard unknown paths with 401/403 or 405.
  if (resp.status == 404 || resp.status == 405 || resp.status == 401 || resp.status == 403) {
    return std::optional<std::string>();
  }
  if (!resp.ok()) return client_detail::HttpError(resp, context);
  return std::optional<std::string>(std::move(resp.body));
}

}  // namespace hoist::registry
