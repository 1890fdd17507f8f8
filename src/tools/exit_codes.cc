#include "tools/command.h"

namespace hoist::tools {

namespace {
// Usage errors are InvalidArgument errors carrying this context marker.
constexpr const char* kUsageMarker = "usage";
}  // namespace

Error UsageError(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message)).WithContext(kUsageMarker);
}

int ExitCodeFor(const Error& e) {
  if (!e.context().empty() && e.context().front() == kUsageMarker) return kExitUsage;
  switch (e.code()) {
    case ErrorCode::kNotFound: return kExitNotFound;
    case ErrorCode::kUnauthorized:
    case ErrorCode::kDenied: return kExitAuth;
    case ErrorCode::kDigestMismatch: return kExitDigestMismatch;
    case ErrorCode::kNetwork:
    case ErrorCode::kTimeout:
    case ErrorCode::kRateLimited:
    case ErrorCode::kServerError: return kExitNetwork;
    case ErrorCode::kCancelled: return kExitCancelled;
    default: return kExitFailure;
  }
}

}  // namespace hoist::tools
