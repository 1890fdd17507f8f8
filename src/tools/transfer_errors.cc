#include "tools/transfer_errors.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "core/ascii.h"

namespace hoist::tools {

namespace {

// "GET https://host:5000/v2/x/manifests/1: rest" → {"host:5000", "rest"}; no request prefix: {"", message}.
std::pair<std::string, std::string> SplitRequest(const std::string& message) {
  for (const char* method : {"GET ", "HEAD ", "PUT ", "POST ", "PATCH ", "DELETE "}) {
    if (message.rfind(method, 0) != 0) continue;
    size_t url = message.find(' ') + 1;
    size_t end = message.find(": ", url);
    if (end == std::string::npos) break;
    std::string u = message.substr(url, end - url);
    size_t scheme = u.find("://");
    std::string host = scheme == std::string::npos ? "" : u.substr(scheme + 3);
    host = host.substr(0, host.find('/'));
    return {host, message.substr(end + 2)};
  }
  return {"", message};
}

// What went wrong, without the request line or the registry's raw codes.
std::string Reason(const Error& e) {
  auto [host, rest] = SplitRequest(e.message());
  const std::string registry = host.empty() ? "the registry" : "the registry " + host;
  if (e.registry()) {
    const RegistryDetails& r = *e.registry();
    const RegistryDiagnostic* d = r.diagnostics.empty() ? nullptr : &r.diagnostics.front();
    const std::string said = d && !d->message.empty() ? AsciiLower(d->message) : (d ? AsciiLower(d->code) : "");
    const std::string code = d ? d->code : "";
    switch (e.code()) {
      case ErrorCode::kNotFound:
        if (code == "NAME_UNKNOWN") return "repository not found in " + registry;
        if (code == "BLOB_UNKNOWN") return "a blob the manifest lists is missing from " + registry;
        return "not found in " + registry + (said.empty() ? "" : " (" + said + ")");
      case ErrorCode::kUnauthorized:
        return "authentication required by " + registry + (host.empty() ? "" : " (run 'hoist login " + host + "')");
      case ErrorCode::kDenied: return "access denied by " + registry + (said.empty() ? "" : " (" + said + ")");
      case ErrorCode::kRateLimited: return "too many requests: " + registry + " asks to try again later";
      case ErrorCode::kServerError:
        return registry + " failed (HTTP " + std::to_string(r.http_status) + "); try again later";
      default:
        return registry + " refused it (HTTP " + std::to_string(r.http_status) + (said.empty() ? "" : ": " + said) +
               ")";
    }
  }
  if (e.code() == ErrorCode::kNetwork || e.code() == ErrorCode::kTimeout) {
    return "cannot reach " + registry + ": " + rest;
  }
  return rest;
}

bool NamesImage(const std::string& layer, const std::vector<std::string>& names) {
  if (layer.rfind("copy ", 0) == 0) return true;  // the engine's "copy SOURCE → DESTINATION"
  for (const auto& n : names) {
    if (!n.empty() && layer.find(n) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Error ShapeTransferError(const Error& error, const std::string& action, const std::vector<std::string>& names) {
  // The raw chain (URL, status, the registry's codes) for -v.
  spdlog::info("{} failed: {}", action, error.ToString());
  std::string line = action + ": ";
  for (const auto& layer : error.context()) {
    if (!NamesImage(layer, names)) line += layer + ": ";
  }
  // "image HOST/REPO:TAG is not in the store": the action said which image already.
  std::string reason = Reason(error);
  for (const auto& n : names) {
    if (n.empty()) continue;
    for (size_t at; (at = reason.find("image " + n)) != std::string::npos;) {
      const size_t end = at + 6 + n.size();
      if (end < reason.size() && reason[end] != ' ' && reason[end] != ':' && reason[end] != ',') break;
      reason.replace(at, 6 + n.size(), "the image");
    }
  }
  line += reason;
  Error shaped(error.code(), std::move(line));
  if (error.registry()) return std::move(shaped).WithRegistry(*error.registry());
  return shaped;
}

}  // namespace hoist::tools
