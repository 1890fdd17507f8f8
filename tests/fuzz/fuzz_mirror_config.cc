// Parses arbitrary bytes as a mirror config (skopeo sync YAML plus hoist's additions). Nothing may
// crash or throw; whatever parses must hold only valid hosts and repositories, and tag selection
// over a fixed tag list must work for every selection it holds.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/reference.h"
#include "transfer/mirror/config.h"
#include "transfer/mirror/tag_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string input(reinterpret_cast<const char*>(data), size);
  auto config = hoist::transfer::mirror::ParseMirrorConfig(input);
  if (!config.ok()) {
    if (config.error().message().empty()) std::abort();
    return 0;
  }
  static const std::vector<std::string> tags = {"latest", "1.0.0", "v1.2", "2.0.0-rc1", "edge"};
  for (const auto& reg : config->registries) {
    if (!hoist::Reference::ValidateDomain(reg.host).ok()) {
      std::fprintf(stderr, "accepted bad host\n");
      std::abort();
    }
    for (const auto& sel : reg.selections) {
      if (!hoist::Reference::Parse(reg.host + "/" + sel.repository, hoist::ReferenceParseOptions{false}).ok()) {
        std::fprintf(stderr, "accepted bad repository\n");
        std::abort();
      }
      auto picked = hoist::transfer::mirror::SelectTags(sel, reg.hoist, tags);
      if (!picked.ok()) {
        std::fprintf(stderr, "selection that parsed does not run: %s\n", picked.error().message().c_str());
        std::abort();
      }
    }
  }
  return 0;
}
