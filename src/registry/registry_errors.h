#pragma once
// A registry's non-2xx response as an Error: the spec's error body ({"errors":[{code, message,
// detail}]}) parsed with bounds, the status and codes mapped to an ErrorCode, RegistryDetails
// attached. Bodies that are not the spec's JSON become a short sanitized snippet.

#include <string_view>
#include <vector>

#include "core/error.h"
#include "registry/http/response.h"

namespace hoist::registry {

// At most 16 entries with the fields that are strings; entries of the wrong JSON
// type are skipped. Empty when the body is not such a document (or is too large to be one).
std::vector<RegistryDiagnostic> ParseErrorBody(std::string_view body);

// 401 → kUnauthorized, 429 → kRateLimited, 5xx → kServerError whatever the codes say; else the
// first diagnostic code (DENIED, *_UNKNOWN, DIGEST_INVALID, TOOMANYREQUESTS, UNSUPPORTED,
// *_INVALID…) decides, else the status (403 kDenied, 404 kNotFound, 408 kTimeout, 409 kConflict,
// 413 kTooLarge, other 4xx kInvalidArgument, anything else kParse).
ErrorCode ErrorCodeFor(int status, const std::vector<RegistryDiagnostic>& diagnostics);

// "GET https://host/v2/…: 404 Not Found: MANIFEST_UNKNOWN: manifest unknown"; URL sanitized.
Error ErrorFromResponse(const Response& resp);

}  // namespace hoist::registry
