// Parses arbitrary bytes as a containers registries.conf (the TOML subset of
// registry/config/toml_subset.h). Nothing may crash; an error must name the file and a line; what
// parses yields only non-empty hosts without a path.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "registry/config/registries_conf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string input(reinterpret_cast<const char*>(data), size);
  auto settings = hoist::registry::ParseRegistriesConf(input, "fuzz.conf");
  if (!settings.ok()) {
    if (settings.error().message().rfind("fuzz.conf:", 0) != 0) {
      std::fprintf(stderr, "error without file:line: %s\n", settings.error().message().c_str());
      std::abort();
    }
    return 0;
  }
  for (const auto& s : *settings) {
    if (s.host.empty() || s.host.find('/') != std::string::npos) {
      std::fprintf(stderr, "accepted a host with a path or none\n");
      std::abort();
    }
  }
  return 0;
}
