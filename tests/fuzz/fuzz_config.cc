// Parses arbitrary bytes as an image config. Whatever parses must keep its exact bytes, and after
// a change must re-render into a config that parses back to the same fields.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/image_config.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_config: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

bool SameConfig(const hoist::ContainerConfig& a, const hoist::ContainerConfig& b) {
  return a.user == b.user && a.env == b.env && a.entrypoint == b.entrypoint && a.cmd == b.cmd &&
         a.working_dir == b.working_dir && a.labels == b.labels && a.exposed_ports == b.exposed_ports &&
         a.volumes == b.volumes && a.stop_signal == b.stop_signal;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto c = hoist::ImageConfig::Parse(input);
  if (!c.ok()) {
    Require(!c.error().message().empty(), "empty error message", input);
    return 0;
  }
  Require(c->raw() == input, "raw() differs from the input", input);
  Require(c->digest() == hoist::Digest::Of(input), "digest() is not the input's digest", input);
  (void)c->CheckLayers(c->diff_ids().size());

  hoist::ImageConfig changed = *c;
  if (c->config()) changed.set_config(*c->config());
  changed.set_history(c->history());
  changed.set_diff_ids(c->diff_ids());
  changed.set_platform(c->platform());
  changed.AddEmptyLayerHistory(hoist::HistoryEntry{"2024-01-01T00:00:00Z", "fuzz", "", "", false, {}});

  auto again = hoist::ImageConfig::Parse(changed.raw());
  if (!again.ok()) {
    Require(again.error().code() == hoist::ErrorCode::kTooLarge, "re-rendered config does not parse", input);
    return 0;
  }
  Require(again->platform() == c->platform(), "platform changed", input);
  Require(again->diff_ids() == c->diff_ids(), "diff_ids changed", input);
  Require(again->history().size() == c->history().size() + 1, "history changed", input);
  Require(again->config().has_value() == c->config().has_value(), "config presence changed", input);
  if (c->config()) Require(SameConfig(*again->config(), *c->config()), "config changed", input);
  for (const auto& [k, v] : c->json().items()) {
    Require(again->json().contains(k), "a top-level field was lost", input);
  }
  return 0;
}
