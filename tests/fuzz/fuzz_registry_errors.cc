// Feeds arbitrary bytes to the registry error-body parser as the body of a 404 (and of a 500).
// The error must be built without crashing (deep nesting, invalid UTF-8, huge strings), its
// message must be printable text of bounded size, and every diagnostic must be bounded.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "registry/registry_errors.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_registry_errors: %s for input of %zu bytes\n", what, input.size());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  auto diagnostics = hoist::registry::ParseErrorBody(body);
  Require(diagnostics.size() <= 16, "more diagnostics than kMaxDiagnostics", body);
  for (const auto& d : diagnostics) {
    Require(!d.code.empty() || !d.message.empty(), "a diagnostic with neither code nor message", body);
    Require(d.code.size() <= 4096 && d.message.size() <= 4096 && d.detail.size() <= 4096, "an unbounded field",
            body);
  }
  for (int status : {404, 500}) {
    hoist::registry::Response resp;
    resp.status = status;
    resp.method = "GET";
    resp.effective_url = "https://registry.example/v2/x/manifests/1";
    resp.body = body;
    hoist::Error e = hoist::registry::ErrorFromResponse(resp);
    Require(!e.message().empty(), "empty message", body);
    Require(e.message().size() < 2048, "message too long", body);
    for (unsigned char c : e.message()) Require(c >= 0x20 && c != 0x7f, "control byte in the message", body);
  }
  return 0;
}
