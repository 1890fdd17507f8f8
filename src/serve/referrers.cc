// /v2/<name>/referrers/<digest>: the manifests of the repository whose subject is <digest>, as an
// OCI index, filtered by ?artifactType= (then said in OCI-Filters-Applied).
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/media_types.h"
#include "serve/api_errors.h"
#include "serve/exchanges.h"
#include "serve/handlers.h"

namespace hoist::serve {

namespace {

Response ListReferrers(ServedLayout& s, const Request& req, const Route& r) {
  auto digest = Digest::Parse(r.target);
  if (!digest.ok()) return ApiError(400, "DIGEST_INVALID", digest.error().message());
  auto repo = LookupRepo(s, r.name);
  if (!repo.ok()) return LookupError(repo.error());
  auto filter = req.Query("artifactType");
  nlohmann::ordered_json manifests = nlohmann::ordered_json::array();
  if (repo->existing) {
    for (const Descriptor& d : repo->names->Entries(*repo->existing)) {
      auto info = s.manifests().Get(s.layout(), d.digest);
      if (!info.ok() || !info->subject || !(*info->subject == *digest)) continue;
      if (filter && info->artifact_type != *filter) continue;
      nlohmann::ordered_json e;
      e["mediaType"] = info->media_type;
      e["digest"] = d.digest.str();
      e["size"] = info->size;
      if (!info->artifact_type.empty()) e["artifactType"] = info->artifact_type;
      if (!info->annotations.empty()) e["annotations"] = info->annotations;
      manifests.push_back(std::move(e));
    }
  }
  nlohmann::ordered_json doc;
  doc["schemaVersion"] = 2;
  doc["mediaType"] = std::string(kOciIndex);
  doc["manifests"] = std::move(manifests);
  Response out(200);
  out.body = DumpJson(doc);
  out.Set("Content-Type", std::string(kOciIndex));
  if (filter) out.Set("OCI-Filters-Applied", "artifactType");
  return out;
}

}  // namespace

std::unique_ptr<Exchange> ReferrersRequest(ServedLayout& s, const Request& req, const Route& r) {
  if (req.method != "GET" && req.method != "HEAD") return Answer(MethodNotAllowed(req, "GET, HEAD"));
  return Answer([&s, &req, r] { return ListReferrers(s, req, r); });
}

}  // namespace hoist::serve
