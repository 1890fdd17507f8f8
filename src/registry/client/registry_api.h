#pragma once
// Host-level calls of the Distribution API: the /v2/ ping and the catalog.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "registry/client/repository.h"
#include "registry/http/http_client.h"
#include "registry/http/tls_config.h"

namespace hoist::registry {

inline constexpr uint64_t kMaxSearchBody = 8 * 1024 * 1024;

class RegistryApi {
 public:
  // base_url: "http://127.0.0.1:5000" or "https://host[:port]".
  static Result<RegistryApi> Open(std::shared_ptr<HttpClient> http, std::string_view base_url);

  const std::string& base_url() const { return base_url_; }

  // GET /v2/: Ok on 200. A 401 that the auth layer could not answer is kUnauthorized; a 404 means
  // the host does not speak the Distribution API (kUnsupported).
  Status Ping() const;
  // GET /v2/_catalog, every page.
  Result<std::vector<std::string>> Catalog(const ListOptions& options = {}) const;
  Result<Repository> Repo(std::string_view name) const;
  // GET /v1/search?q=TERM&n=LIMIT, the search API of Docker Hub (index.docker.io) and of the
  // registries that copy it: the JSON body, or nullopt when the registry offers no search (404,
  // 405, or a 401/403 on that path alone). At most kMaxSearchBody bytes.
  Result<std::optional<std::string>> SearchV1(std::string_view term, int limit) const;

 private:
  RegistryApi(std::shared_ptr<HttpClient> http, std::string base_url)
      : http_(std::move(http)), base_url_(std::move(base_url)) {}

  std::shared_ptr<HttpClient> http_;
  std::string base_url_;
};


}  // namespace hoist::registry
