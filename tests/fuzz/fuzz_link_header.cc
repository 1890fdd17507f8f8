// Parses arbitrary bytes as Link headers (one value, and the same split into several header
// values at a comma). A found "next" link cannot hold the '>' that ends it, and must be found
// again in a header written from it (an empty one is resolved, and caught looping, by listing.cc).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "registry/client/link_header.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_link_header: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  using hoist::registry::NextLink;

  auto next = NextLink({input});
  // The same links as several header values.
  std::vector<std::string> split;
  for (size_t at = 0;;) {
    size_t comma = input.find(',', at);
    split.push_back(input.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  (void)NextLink(split);  // must not crash; quoted commas make it legitimately differ

  if (!next) return 0;
  Require(next->find('>') == std::string::npos, "next link holds its closing bracket", input);
  auto again = NextLink({"<" + *next + ">; rel=\"next\""});
  Require(again && *again == *next, "written next link is not found again", input);
  auto with_prev = NextLink({"<" + *next + "x>; rel=\"prev\", <" + *next + ">; rel=\"next\""});
  Require(with_prev && *with_prev == *next, "next link not picked among several", input);
  return 0;
}
