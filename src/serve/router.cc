#include "serve/router.h"

#include "serve/api_errors.h"
#include "serve/exchanges.h"
#include "serve/token_auth.h"

namespace hoist::serve {

std::unique_ptr<Exchange> Router::Begin(Request& req) {
  if (auth_ && !auth_->Check(req.Header("authorization"), req.user)) {
    Response r = ApiError(401, "UNAUTHORIZED", "authentication required");
    r.Set("WWW-Authenticate", "Basic realm=\"hoist serve\"");
    return std::make_unique<RefusalExchange>(std::move(r));
  }
  Route route = ParseRoute(req.path);
  if (token_) {
    if (std::optional<Response> refused = AuthorizeBearer(*token_, req, route)) {
      return std::make_unique<RefusalExchange>(std::move(*refused));
    }
  }
  switch (route.kind) {
    case Route::Kind::kPing: {
      Response r(200);
      r.body = "{}";
      r.Set("Content-Type", "application/json");
      return Answer(std::move(r));
    }
    case Route::Kind::kMetrics: {
      if (!metrics_) break;
      Response r(200);
      r.body = metrics_->Render(layout_.uploads().open_sessions());
      r.Set("Content-Type", "text/plain; version=0.0.4");
      return Answer(std::move(r));
    }
    case Route::Kind::kCatalog: return CatalogRequest(layout_, req);
    case Route::Kind::kTags: return TagsRequest(layout_, req, route);
    case Route::Kind::kManifest: return ManifestRequest(layout_, req, route);
    case Route::Kind::kBlob: return BlobRequest(layout_, req, route);
    case Route::Kind::kUploadStart:
    case Route::Kind::kUpload: return UploadRequest(layout_, req, route);
    case Route::Kind::kReferrers: return ReferrersRequest(layout_, req, route);
    case Route::Kind::kUnknown: break;
  }
  return Answer(ApiError(404, "NOT_FOUND", "no such API endpoint: " + req.path.substr(0, 200)));
}

}  // namespace hoist::serve
