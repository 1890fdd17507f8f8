#include "serve/api_errors.h"
#include "serve/handlers.h"

namespace hoist::serve {

Result<RepoLookup> LookupRepo(ServedLayout& s, const std::string& name) {
  RepoLookup out;
  HOIST_TRY_ASSIGN(out.layout_name, s.LayoutName(name));
  HOIST_TRY_ASSIGN(out.names, s.names().Get());
  out.existing = out.names->Find(out.layout_name);
  return out;
}

Response LookupError(const Error& e) {
  if (e.code() == ErrorCode::kInvalidArgument) return ApiError(400, "NAME_INVALID", e.message());
  return FromError(e, "NAME_UNKNOWN");
}

Response ReadOnlyRefusal() {
  return ApiError(403, "DENIED", "this registry is read-only (hoist serve --read-only)");
}

Response MethodNotAllowed(const Request& req, const char* allowed) {
  Response r = ApiError(405, "UNSUPPORTED", req.method + " is not supported here");
  r.Set("Allow", allowed);
  return r;
}

}  // namespace hoist::serve
