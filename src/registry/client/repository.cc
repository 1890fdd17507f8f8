#include "registry/client/repository.h"

#include "core/reference.h"
#include "registry/client/client_util.h"
#include "registry/http/sanitize.h"

namespace hoist::registry {

Result<Repository> Repository::Open(std::shared_ptr<HttpClient> http, std::string_view base_url,
                                    std::string_view name) {
  if (!http) return InvalidArgument("a registry repository needs an HTTP client");
  HOIST_TRY_ASSIGN(std::string base, client_detail::NormalizeBaseUrl(base_url));
  Status valid = Reference::ValidateRepository(name);
  if (!valid.ok()) return std::move(valid).error();
  return Repository(std::move(http), std::move(base), std::string(name));
}

std::string Repository::display_name() const {
  size_t scheme_end = base_url_.find("://");
  std::string host = scheme_end == std::string::npos ? base_url_ : base_url_.substr(scheme_end + 3);
  return Printable(host, 100) + "/" + name_;
}

std::string Repository::Url(std::string_view suffix) const {
  return base_url_ + "/v2/" + name_ + std::string(suffix);
}

}  // namespace hoist::registry
