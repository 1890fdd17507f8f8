#include "registry/registry_errors.h"

#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "registry/http/sanitize.h"

namespace hoist::registry {

namespace {

using nlohmann::json;

constexpr size_t kMaxDiagnostics = 16;
constexpr size_t kMaxJsonBody = 256 * 1024;
constexpr size_t kMaxDetail = 4096;
constexpr size_t kMaxShownDiagnostics = 3;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::optional<ErrorCode> CodeForDiagnostic(std::string_view code) {
  if (code == "UNAUTHORIZED") return ErrorCode::kUnauthorized;
  if (code == "DENIED") return ErrorCode::kDenied;
  if (code == "TOOMANYREQUESTS") return ErrorCode::kRateLimited;
  if (code == "DIGEST_INVALID") return ErrorCode::kDigestMismatch;
  if (code == "UNSUPPORTED") return ErrorCode::kUnsupported;
  if (EndsWith(code, "_UNKNOWN")) return ErrorCode::kNotFound;         // BLOB_, MANIFEST_, NAME_…
  if (EndsWith(code, "_INVALID")) return ErrorCode::kInvalidArgument;  // NAME_, TAG_, SIZE_…
  return std::nullopt;
}

// Text from an HTML or plain body: tags and <script>/<style> contents left out.
std::string BodySnippet(std::string_view body) {
  body = body.substr(0, 8192);
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  if (body[first] != '<') return Printable(body, 200);
  std::string text;
  for (size_t i = 0; i < body.size();) {
    if (body[i] != '<') {
      text += body[i++];
      continue;
    }
    for (std::string_view skip : {"script", "style"}) {
      if (body.substr(i + 1, skip.size()) == skip) {
        size_t end = body.find("</" + std::string(skip), i);
        i = end == std::string_view::npos ? body.size() : end + 1;
        break;
      }
    }
    size_t close = body.find('>', i);
    i = close == std::string_view::npos ? body.size() : close + 1;
    text += ' ';
  }
  size_t start = text.find_first_not_of(" \t\r\n");
  return start == std::string::npos ? "" : Printable(std::string_view(text).substr(start), 200);
}

}  // namespace

std::vector<RegistryDiagnostic> ParseErrorBody(std::string_view body) {
  std::vector<RegistryDiagnostic> out;
  if (body.size() > kMaxJsonBody) return out;
  auto parsed = ParseJson(body);  // depth-limited: a detail is dumped below
  if (!parsed.ok() || !parsed->is_object()) return out;
  const json& doc = *parsed;
  auto errors = doc.find("errors");
  if (errors == doc.end() || !errors->is_array()) return out;
  for (const json& e : *errors) {
    if (out.size() >= kMaxDiagnostics) break;
    if (!e.is_object()) continue;
    RegistryDiagnostic d;
    if (auto c = e.find("code"); c != e.end() && c->is_string()) d.code = c->get<std::string>();
    if (auto m = e.find("message"); m != e.end() && m->is_string())
      d.message = m->get<std::string>();
    if (auto det = e.find("detail"); det != e.end() && !det->is_null()) {
      d.detail = DumpJson(*det);
      if (d.detail.size() > kMaxDetail) d.detail.resize(kMaxDetail);
    }
    if (d.code.empty() && d.message.empty()) continue;
    if (d.code.size() > kMaxDetail) d.code.resize(kMaxDetail);
    if (d.message.size() > kMaxDetail) d.message.resize(kMaxDetail);
    out.push_back(std::move(d));
  }
  return out;
}

ErrorCode ErrorCodeFor(int status, const std::vector<RegistryDiagnostic>& diagnostics) {
  if (status == 401) return ErrorCode::kUnauthorized;
  if (status == 429) return ErrorCode::kRateLimited;
  if (status >= 500 && status <= 599) return ErrorCode::kServerError;
  for (const auto& d : diagnostics) {
    if (auto code = CodeForDiagnostic(d.code)) return *code;
  }
  switch (status) {
    case 403: return ErrorCode::kDenied;
    case 404: return ErrorCode::kNotFound;
    case 408: return ErrorCode::kTimeout;
    case 409: return ErrorCode::kConflict;
    case 413: return ErrorCode::kTooLarge;
    default: break;
  }
  if (status >= 400 && status <= 499) return ErrorCode::kInvalidArgument;
  return ErrorCode::kParse;  // a status this client did not expect (1xx, 3xx not followed, …)
}

Error ErrorFromResponse(const Response& resp) {
  std::vector<RegistryDiagnostic> diagnostics = ParseErrorBody(resp.body);
  std::string message;
  if (!resp.method.empty()) message += Printable(resp.method, 20) + " ";
  if (!resp.effective_url.empty()) message += SanitizeUrl(resp.effective_url) + " ";
  if (!message.empty()) message.back() = ':', message += ' ';
  message += std::to_string(resp.status);
  std::string reason = resp.reason.empty() ? std::string(ReasonPhrase(resp.status)) : resp.reason;
  if (!reason.empty()) message += " " + Printable(reason, 60);

  if (!diagnostics.empty()) {
    for (size_t i = 0; i < diagnostics.size() && i < kMaxShownDiagnostics; ++i) {
      const auto& d = diagnostics[i];
      message += i == 0 ? ": " : "; ";
      // Unknown codes are shown verbatim (sanitized): they are the best clue there is.
      if (!d.code.empty()) message += Printable(d.code, 64);
      if (!d.code.empty() && !d.message.empty()) message += ": ";
      if (!d.message.empty()) message += Printable(d.message, 200);
    }
    if (diagnostics.size() > kMaxShownDiagnostics) {
      message += " (and " + std::to_string(diagnostics.size() - kMaxShownDiagnostics) + " more)";
    }
  } else if (std::string snippet = BodySnippet(resp.body); !snippet.empty()) {
    message += ": " + snippet;
  }

  RegistryDetails details;
  details.http_status = resp.status;
  details.diagnostics = diagnostics;
  return Error(ErrorCodeFor(resp.status, diagnostics), std::move(message))
      .WithRegistry(std::move(details));
}

}  // namespace hoist::registry
