#include "serve/api_errors.h"

#include <nlohmann/json.hpp>

#include "core/json_parse.h"

namespace hoist::serve {

Response ApiError(int status, const std::string& code, const std::string& message) {
  nlohmann::json e = {{"code", code}, {"message", message}};
  nlohmann::json body = {{"errors", nlohmann::json::array({e})}};
  Response r(status);
  r.body = DumpJson(body);
  r.Set("Content-Type", "application/json; charset=utf-8");
  return r;
}

Response FromError(const Error& e, const std::string& not_found_code) {
  switch (e.code()) {
    case ErrorCode::kNotFound: return ApiError(404, not_found_code, e.ToString());
    case ErrorCode::kDigestMismatch: return ApiError(400, "DIGEST_INVALID", e.ToString());
    case ErrorCode::kTooLarge: return ApiError(413, "SIZE_INVALID", e.ToString());
    case ErrorCode::kDenied: return ApiError(403, "DENIED", e.ToString());
    default: return ApiError(500, "UNKNOWN", e.ToString());
  }
}

}  // namespace hoist::serve
