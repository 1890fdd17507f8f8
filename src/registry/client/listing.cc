// Tags and catalog listings, every page: n/last on the first request, then Link rel="next". Pages are
// handed out one at a time (commands print them as they come); a list kept whole has kMaxListEntries.

#include <algorithm>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "registry/client/client_util.h"
#include "registry/client/link_header.h"
#include "registry/client/listing.h"
#include "registry/client/registry_api.h"
#include "registry/client/repository.h"
#include "registry/http/sanitize.h"
#include "registry/http/url.h"

namespace hoist::registry {

namespace client_detail {

namespace {
constexpr uint64_t kMaxListingPage = 16 << 20;
}  // namespace

Status ForEachPage(HttpClient& http, std::string url, std::string_view field, const ListOptions& options,
                   const std::string& context, const ListPageFn& on_page) {
  if (options.page_size > 0) url = AppendQuery(url, "n", std::to_string(options.page_size));
  if (!options.last.empty()) url = AppendQuery(url, "last", options.last);
  HOIST_TRY_ASSIGN(UrlOrigin origin, ParseOrigin(url));

  std::set<std::string> visited;
  for (size_t page = 0; page < options.max_pages; ++page) {
    visited.insert(url);
    Request req;
    req.url = url;
    req.SetHeader("Accept", "application/json");
    req.max_buffered_body = kMaxListingPage;
    HOIST_TRY_ASSIGN(Response resp, Send(http, req, context));
    if (!resp.ok()) return HttpError(resp, context);

    auto parsed = ParseJson(resp.body);
    if (!parsed.ok()) {
      return ParseError("page " + std::to_string(page + 1) + " is " + parsed.error().message()).WithContext(context);
    }
    nlohmann::json& doc = *parsed;
    if (!doc.is_object()) {
      return ParseError("page " + std::to_string(page + 1) + " is not a JSON object: " +
                        Printable(resp.body, 80))
          .WithContext(context);
    }
    std::vector<std::string> out;
    if (auto entries = doc.find(field); entries != doc.end() && !entries->is_null()) {
      if (!entries->is_array()) {
        return ParseError("\"" + std::string(field) + "\" on page " + std::to_string(page + 1) +
                          " is not a list")
            .WithContext(context);
      }
      for (const auto& e : *entries) {
        if (!e.is_string()) {
          return ParseError("\"" + std::string(field) + "\" on page " +
                            std::to_string(page + 1) + " holds a non-string entry")
              .WithContext(context);
        }
        out.push_back(e.get<std::string>());
      }
    }

    doc = nullptr;  // the page's names are in `out` now: hold one copy of them at a time
    std::string().swap(resp.body);
    HOIST_TRY(on_page(std::move(out)));

    std::optional<std::string> next = NextLink(resp.Headers("Link"));
    if (!next) return Ok();
    Result<std::string> resolved = ResolveUrl(url, *next);
    if (!resolved.ok()) return std::move(resolved).error().WithContext(context + ": Link header");
    Result<UrlOrigin> next_origin = ParseOrigin(*resolved);
    if (!next_origin.ok() || !(*next_origin == origin)) {
      return Error(ErrorCode::kUnsupported,
                   "the next page is on another host (" + SanitizeUrl(*resolved) + ")")
          .WithContext(context);
    }
    if (visited.count(*resolved) != 0) {
      return ParseError("the registry's pages loop back to " + SanitizeUrl(*resolved))
          .WithContext(context);
    }
    url = std::move(*resolved);
  }
  return Error(ErrorCode::kTooLarge,
               "stopped after " + std::to_string(options.max_pages) + " pages")
      .WithContext(context);
}

Result<std::vector<std::string>> ListAllPages(HttpClient& http, std::string url, std::string_view field,
                                              const ListOptions& options, const std::string& context) {
  std::vector<std::string> all;
  auto keep = [&](std::vector<std::string> page) -> Status {
    if (page.size() > kMaxListEntries - all.size()) {
      return Error(ErrorCode::kTooLarge, "the list has more than " + std::to_string(kMaxListEntries) +
                                             " entries, the limit of a list hoist holds in memory (kMaxListEntries)")
          .WithContext(context);
    }
    all.insert(all.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    return Ok();
  };
  HOIST_TRY(ForEachPage(http, std::move(url), field, options, context, keep));
  return all;
}

}  // namespace client_detail

Result<std::vector<std::string>> Repository::ListTags(const ListOptions& options) const {
  return client_detail::ListAllPages(*http_, Url("/tags/list"), "tags", options,
                                     "list tags of " + display_name());
}

Status ForEachTagPage(const Repository& repo, const ListOptions& options, const ListPageFn& on_page) {
  return client_detail::ForEachPage(repo.http(), repo.Url("/tags/list"), "tags", options,
                                    "list tags of " + repo.display_name(), on_page);
}

Result<std::vector<std::string>> RegistryApi::Catalog(const ListOptions& options) const {
  return client_detail::ListAllPages(*http_, base_url_ + "/v2/_catalog", "repositories", options,
                                     "list the repositories of " + base_url_);
}

Status ForEachCatalogPage(const RegistryApi& api, const ListOptions& options, const ListPageFn& on_page) {
  // The registry's client, borrowed through a repository handle: RegistryApi keeps it private.
  HOIST_TRY_ASSIGN(Repository any, api.Repo("catalog"));
  return client_detail::ForEachPage(any.http(), api.base_url() + "/v2/_catalog", "repositories", options,
                                    "list the repositories of " + api.base_url(), on_page);
}

}  // namespace hoist::registry
