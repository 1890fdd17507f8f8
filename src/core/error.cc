#include "core/error.h"

#include <cstring>

namespace hoist {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kParse: return "parse error";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kAlreadyExists: return "already exists";
    case ErrorCode::kDigestMismatch: return "digest mismatch";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kUnauthorized: return "unauthorized";
    case ErrorCode::kDenied: return "denied";
    case ErrorCode::kNetwork: return "network error";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kRateLimited: return "rate limited";
    case ErrorCode::kServerError: return "server error";
    case ErrorCode::kTooLarge: return "too large";
    case ErrorCode::kUnsafePath: return "unsafe path";
    case ErrorCode::kIO: return "I/O error";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kInternal: return "internal error";
  }
  return "error";
}

Error& Error::WithContext(std::string what) & {
  context_.insert(context_.begin(), std::move(what));
  return *this;
}

Error&& Error::WithContext(std::string what) && {
  context_.insert(context_.begin(), std::move(what));
  return std::move(*this);
}

Error&& Error::WithRegistry(RegistryDetails details) && {
  registry_ = std::move(details);
  return std::move(*this);
}

bool Error::retryable() const {
  switch (code_) {
    case ErrorCode::kNetwork:
    case ErrorCode::kTimeout:
    case ErrorCode::kRateLimited:
    case ErrorCode::kServerError:
      return true;
    default:
      return false;
  }
}

std::string Error::ToString() const {
  std::string out;
  for (const auto& c : context_) {
    out += c;
    out += ": ";
  }
  out += message_;
  return out;
}

Error ErrnoError(const std::string& what, int err) {
  ErrorCode code = ErrorCode::kIO;
  if (err == ENOENT) code = ErrorCode::kNotFound;
  if (err == EEXIST) code = ErrorCode::kAlreadyExists;
  if (err == EACCES || err == EPERM) code = ErrorCode::kDenied;
  return Error(code, what + ": " + std::strerror(err));
}

}  // namespace hoist
