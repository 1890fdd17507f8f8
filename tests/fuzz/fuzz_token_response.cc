// Parses arbitrary bytes as a token endpoint's answer. A token that parses is non-empty with a
// positive lifetime; a refusal is a parse error whose message never echoes the body (it may hold
// a secret) and is bounded.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "registry/auth/token.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_token_response: %s for input of %zu bytes\n", what, input.size());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  auto t = hoist::registry::ParseTokenResponse(body, "https://auth.example.com/token", "application/json");
  if (!t.ok()) {
    Require(!t.error().message().empty(), "empty error message", body);
    Require(t.error().message().size() < 1024, "error message too long", body);
    return 0;
  }
  Require(!t->token.empty(), "an empty token was accepted", body);
  Require(t->expires_in.count() > 0, "a token without a positive lifetime", body);
  return 0;
}
