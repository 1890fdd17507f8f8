#pragma once
// Error, ErrorCode, Result<T> and the HOIST_TRY macros: how failures travel between modules.
// No exception crosses a module boundary; a function that can fail returns Result<T> (or Status).

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hoist {

enum class ErrorCode {
  kInvalidArgument,  // the caller (or user) gave something malformed
  kParse,            // a document or stream is not what its format says
  kNotFound,
  kAlreadyExists,
  kDigestMismatch,   // content does not match its digest or size
  kUnsupported,
  kUnauthorized,     // credentials missing or rejected
  kDenied,           // authenticated but not allowed
  kNetwork,          // connection, DNS, TLS, reset
  kTimeout,
  kRateLimited,      // 429
  kServerError,      // 5xx
  kTooLarge,         // over a configured limit
  kUnsafePath,       // a path would escape its root
  kIO,               // local filesystem
  kCancelled,        // SIGINT or an explicit stop
  kConflict,
  kInternal,
};

const char* ErrorCodeName(ErrorCode code);

// One entry of the OCI Distribution error body ({"errors":[{code,message,detail}]}).
struct RegistryDiagnostic {
  std::string code;
  std::string message;
  std::string detail;  // raw JSON text of "detail", if any
};

struct RegistryDetails {
  int http_status = 0;
  std::vector<RegistryDiagnostic> diagnostics;
};

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Outermost first: {"pull docker.io/library/alpine:3.19", "blob sha256:ab12…"}.
  const std::vector<std::string>& context() const { return context_; }
  const std::optional<RegistryDetails>& registry() const { return registry_; }

  // Adds a layer of context as the error travels up ("fetching X: …").
  Error& WithContext(std::string what) &;
  Error&& WithContext(std::string what) &&;
  Error&& WithRegistry(RegistryDetails details) &&;

  // Worth trying again: network trouble, timeouts, 429 and 5xx.
  bool retryable() const;

  // "context: context: message" as a user reads it.
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<std::string> context_;
  std::optional<RegistryDetails> registry_;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

// Named constructors, in the spirit of leveldb's Status.
inline Error InvalidArgument(std::string m) { return Error(ErrorCode::kInvalidArgument, std::move(m)); }
inline Error ParseError(std::string m) { return Error(ErrorCode::kParse, std::move(m)); }
inline Error NotFound(std::string m) { return Error(ErrorCode::kNotFound, std::move(m)); }
inline Error IOError(std::string m) { return Error(ErrorCode::kIO, std::move(m)); }
inline Error Unsupported(std::string m) { return Error(ErrorCode::kUnsupported, std::move(m)); }
inline Error TooLarge(std::string m) { return Error(ErrorCode::kTooLarge, std::move(m)); }
inline Error UnsafePath(std::string m) { return Error(ErrorCode::kUnsafePath, std::move(m)); }
inline Error DigestMismatch(std::string m) { return Error(ErrorCode::kDigestMismatch, std::move(m)); }
inline Error Internal(std::string m) { return Error(ErrorCode::kInternal, std::move(m)); }

// An IOError carrying strerror(errno) for `what` ("open /x/y").
Error ErrnoError(const std::string& what, int err);

}  // namespace hoist

#define HOIST_CONCAT_INNER_(a, b) a##b
#define HOIST_CONCAT_(a, b) HOIST_CONCAT_INNER_(a, b)

// HOIST_TRY(status_expr): return the error from the enclosing function if the expression failed.
#define HOIST_TRY(expr)                                  \
  do {                                                   \
    auto hoist_try_result_ = (expr);                     \
    if (!hoist_try_result_.ok()) {                       \
      return std::move(hoist_try_result_).error();       \
    }                                                    \
  } while (0)

// HOIST_TRY_ASSIGN(auto x, result_expr): declare/assign x from a Result<T>, or return its error.
#define HOIST_TRY_ASSIGN(lhs, expr) \
  HOIST_TRY_ASSIGN_IMPL_(HOIST_CONCAT_(hoist_try_tmp_, __LINE__), lhs, expr)
#define HOIST_TRY_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return std::move(tmp).error(); \
  lhs = std::move(tmp).value()
