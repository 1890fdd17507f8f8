// Parses arbitrary bytes as a digest. Parsing is strict, so whatever parses must print back to
// exactly the input, and re-parsing that gives the same digest.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/digest.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_digest: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto digest = hoist::Digest::Parse(input);
  if (!digest.ok()) {
    Require(!digest.error().message().empty(), "empty error message", input);
    return 0;
  }
  const std::string text = digest->str();
  Require(text == input, "strict parse accepted a non-canonical form", input);
  Require(digest->hex().size() == hoist::HexLength(digest->algorithm()), "wrong hex length", input);
  auto again = hoist::Digest::Parse(text);
  Require(again.ok(), "printed form does not parse", input);
  Require(again->str() == text && *again == *digest, "printed form is not a fixed point", input);
  return 0;
}
