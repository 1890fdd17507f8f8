#include <iostream>
#include <nlohmann/json.hpp>

#include "core/terminal_text.h"
#include "tools/command.h"

namespace hoist::tools {

namespace {
// Usage errors are InvalidArgument errors carrying this context marker.
constexpr const char* kUsageMarker = "usage";
}  // namespace

Error UsageError(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message)).WithContext(kUsageMarker);
}

std::vector<std::string> RepeatedFlag(const cxxopts::ParseResult& args, const std::string& long_name) {
  std::vector<std::string> values;
  for (const auto& kv : args.arguments()) {
    if (kv.key() == long_name) values.push_back(kv.value());
  }
  return values;
}

Result<int> IntegerFlag(const cxxopts::ParseResult& args, const std::string& name) {
  const std::string text = args[name].as<std::string>();
  int value = 0;
  if (text.empty() || text.size() > 9) return UsageError("--" + name + " needs a number, got \"" + text + "\"");
  for (char c : text) {
    if (c < '0' || c > '9') return UsageError("--" + name + " needs a number, got \"" + text + "\"");
    value = value * 10 + (c - '0');
  }
  return value;
}

void PrintErrorLine(std::ostream& err, const std::string& message, int code, const std::string& kind, bool json) {
  if (json) {
    nlohmann::json j{{"error", message}, {"code", code}, {"kind", kind}};
    // The serializer escapes control characters; invalid UTF-8 becomes U+FFFD.
    err << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    // Messages quote registries, archives and images; escaped, the error also stays on one line.
    err << "hoist: " << EscapeForTerminal(message) << "\n";
  }
}

void PrintOperandError(const CommandContext& ctx, const Error& e) {
  const int code = ExitCodeFor(e);
  PrintErrorLine(std::cerr, code == kExitUsage ? e.message() : e.ToString(), code,
                 code == kExitUsage ? "usage" : ErrorCodeName(e.code()), ctx.global.format == OutputFormat::kJson);
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
