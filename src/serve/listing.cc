// /v2/<name>/tags/list and /v2/_catalog, paged with `n` and `last` and a Link to the next page.
#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "serve/api_errors.h"
#include "serve/exchanges.h"
#include "serve/handlers.h"

namespace hoist::serve {

namespace {

std::string QueryEscape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The page after `last` of at most `n` names (every name up to kMaxPageSize without `n`), with a
// Link header when more follow.
Response Page(const Request& req, const std::vector<std::string>& all, const std::string& key,
              const std::string& path, nlohmann::ordered_json doc) {
  size_t n = kMaxPageSize;
  if (auto given = req.Query("n")) {
    size_t v = 0;
    auto [end, ec] = std::from_chars(given->data(), given->data() + given->size(), v);
    if (given->empty() || ec != std::errc() || end != given->data() + given->size()) {
      return ApiError(400, "PAGINATION_NUMBER_INVALID", "n=" + given->substr(0, 40) + " is not a number");
    }
    n = std::min(v, kMaxPageSize);
  }
  auto from = all.begin();
  if (auto last = req.Query("last")) from = std::upper_bound(all.begin(), all.end(), *last);
  auto to = from + static_cast<std::ptrdiff_t>(std::min<size_t>(n, static_cast<size_t>(all.end() - from)));
  doc[key] = std::vector<std::string>(from, to);
  Response out(200);
  out.body = DumpJson(doc);
  out.Set("Content-Type", "application/json; charset=utf-8");
  if (to != all.end() && to != from) {
    out.Set("Link", "<" + path + "?n=" + std::to_string(n) + "&last=" + QueryEscape(*(to - 1)) + ">; rel=\"next\"");
  }
  return out;
}

}  // namespace

std::unique_ptr<Exchange> TagsRequest(ServedLayout& s, const Request& req, const Route& r) {
  if (req.method != "GET" && req.method != "HEAD") return Answer(MethodNotAllowed(req, "GET, HEAD"));
  return Answer([&s, &req, r]() -> Response {
    auto repo = LookupRepo(s, r.name);
    if (!repo.ok()) return LookupError(repo.error());
    if (!repo->existing) return ApiError(404, "NAME_UNKNOWN", "repository " + r.name + " is not known here");
    nlohmann::ordered_json doc;
    doc["name"] = r.name;
    return Page(req, repo->names->Tags(*repo->existing), "tags", "/v2/" + r.name + "/tags/list", std::move(doc));
  });
}

std::unique_ptr<Exchange> CatalogRequest(ServedLayout& s, const Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return Answer(MethodNotAllowed(req, "GET, HEAD"));
  return Answer([&s, &req]() -> Response {
    auto names = s.names().Get();
    if (!names.ok()) return FromError(names.error(), "NAME_UNKNOWN");
    std::vector<std::string> repos;
    for (const auto& n : (*names)->Repositories()) repos.push_back(s.ClientName(n));
    std::sort(repos.begin(), repos.end());
    return Page(req, repos, "repositories", "/v2/_catalog", nlohmann::ordered_json::object());
  });
}

}  // namespace hoist::serve
