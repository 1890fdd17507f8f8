// Parses arbitrary bytes as an image reference. Whatever parses must normalize to a fixed point:
// re-parsing str() gives the same reference, and so does re-parsing the familiar short form.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/reference.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_reference: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

void CheckFixedPoint(std::string_view input, const hoist::ReferenceParseOptions& options) {
  auto ref = hoist::Reference::Parse(input, options);
  if (!ref.ok()) {
    Require(!ref.error().message().empty(), "empty error message", input);
    return;
  }
  const std::string normalized = ref->str();
  auto again = hoist::Reference::Parse(normalized, options);
  Require(again.ok(), "normalized form does not parse", input);
  Require(again->str() == normalized, "normalized form is not a fixed point", input);
  Require(*again == *ref, "re-parsed reference differs", input);
  Require(ref->repository().size() <= hoist::Reference::kMaxPathLength, "path over the length limit", input);

  auto familiar = hoist::Reference::Parse(ref->Familiar(), options);
  Require(familiar.ok() && *familiar == *ref, "familiar form names another image", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckFixedPoint(input, hoist::ReferenceParseOptions{});
  CheckFixedPoint(input, hoist::ReferenceParseOptions{.default_tag = false});
  return 0;
}
