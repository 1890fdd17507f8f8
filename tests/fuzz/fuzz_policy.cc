// Parses arbitrary bytes as a containers-policy.json trust policy (the file pull/copy/push enforce).
// Whatever parses must answer a scope lookup for a few references without crashing.
#include <cstdint>
#include <string_view>

#include "core/reference.h"
#include "sign/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // keyPath entries resolve under a directory that does not exist: reading a key fails fast.
  auto policy = hoist::sign::TrustPolicy::Parse(input, "/nonexistent-hoist-fuzz");
  if (!policy.ok()) return 0;
  for (const char* name : {"alpine", "registry.example.com:5000/team/app:1", "[::1]:5000/x@sha256:"
                                                                             "0000000000000000000000000000000000000000000000000000000000000000"}) {
    auto ref = hoist::Reference::Parse(name);
    if (ref.ok()) (void)policy->RequirementsFor(*ref);
  }
  return 0;
}
