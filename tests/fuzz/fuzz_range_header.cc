// Parses arbitrary bytes as the registry's range headers: an upload's `Range: 0-<last>` and a
// download's `Content-Range: bytes first-last/size`. Whatever parses must be self-consistent and
// parse back to the same value when written out again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "registry/client/range_header.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_range_header: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  using namespace hoist::registry;

  if (auto n = ParseDecimal(input)) {
    Require(std::to_string(*n) == input || input.find_first_not_of('0') != 0,
            "decimal does not print back", input);
    Require(ParseDecimal(std::to_string(*n)) == n, "decimal does not round trip", input);
  }

  for (uint64_t ours : {uint64_t{0}, uint64_t{1}, uint64_t{1} << 40}) {
    auto held = UploadedBytes(input, ours);
    if (!held.ok()) {
      Require(!held.error().message().empty(), "empty error message", input);
      continue;
    }
    // "0-<last>" is last+1 bytes (or 0 for a fresh upload's "0-0"): write it out and parse again.
    if (*held > 0) {
      auto again = UploadedBytes("0-" + std::to_string(*held - 1), ours);
      Require(again.ok() && *again == *held, "upload range does not round trip", input);
    }
  }
  Require(UploadedBytes(std::nullopt, 0).ok(), "absent Range refused", input);

  auto range = ParseContentRange(input);
  if (!range.ok()) {
    Require(!range.error().message().empty(), "empty error message", input);
    return 0;
  }
  Require(range->first <= range->last, "first past last", input);
  if (range->size) Require(range->last < *range->size, "last byte past the size", input);
  std::string text = "bytes " + std::to_string(range->first) + "-" + std::to_string(range->last) +
                     "/" + (range->size ? std::to_string(*range->size) : std::string("*"));
  auto again = ParseContentRange(text);
  Require(again.ok(), "written Content-Range does not parse", input);
  Require(again->first == range->first && again->last == range->last && again->size == range->size,
          "Content-Range does not round trip", input);
  return 0;
}
