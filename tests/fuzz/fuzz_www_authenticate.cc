// Parses arbitrary bytes as a WWW-Authenticate header. Whatever parses must have lowercase,
// non-empty schemes and parameter names, and must parse back to the same challenges after being
// written out again with every value quoted.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "registry/auth/challenge.h"
#include "registry/auth/scope.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_www_authenticate: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

bool IsLower(const std::string& s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return false;
  }
  return !s.empty();
}

std::string Quote(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Render(const std::vector<hoist::registry::Challenge>& challenges) {
  std::string out;
  for (const auto& c : challenges) {
    if (!out.empty()) out += ", ";
    out += c.scheme;
    if (!c.token68.empty()) {
      out += " " + c.token68;
      continue;
    }
    bool first = true;
    for (const auto& [name, value] : c.params) {
      out += first ? " " : ", ";
      first = false;
      out += name + "=" + Quote(value);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto parsed = hoist::registry::ParseWwwAuthenticate(input);
  if (!parsed.ok()) {
    Require(!parsed.error().message().empty(), "empty error message", input);
    return 0;
  }
  Require(!parsed->empty(), "success without a challenge", input);
  for (const auto& c : *parsed) {
    Require(IsLower(c.scheme), "scheme empty or not lowercase", input);
    Require(c.token68.empty() || c.params.empty(), "token68 and params together", input);
    for (const auto& [name, value] : c.params) Require(IsLower(name), "bad parameter name", input);
    if (c.scheme == "bearer") {
      auto bearer = hoist::registry::ParseBearerChallenge(c);
      if (bearer.ok()) {
        auto merged = hoist::registry::MergeScopes(bearer->scopes, hoist::registry::PushScopes("a/b", "c"));
        Require(merged.size() >= 2, "merged scopes lost ours", input);
      }
    }
  }
  std::string rendered = Render(*parsed);
  auto again = hoist::registry::ParseWwwAuthenticate(rendered);
  Require(again.ok(), "re-rendered header does not parse", input);
  Require(again->size() == parsed->size(), "re-rendered header has another challenge count", input);
  for (size_t i = 0; i < parsed->size(); ++i) {
    Require((*again)[i].scheme == (*parsed)[i].scheme, "scheme changed", input);
    Require((*again)[i].params == (*parsed)[i].params, "params changed", input);
    Require((*again)[i].token68 == (*parsed)[i].token68, "token68 changed", input);
  }
  return 0;
}
