// Parses arbitrary bytes as a manifest list file (.hoist/manifest-lists/<sha256>.json, what
// `hoist manifest create|annotate|add` keep until `manifest push`). Nothing may crash or throw; a
// refusal says why; whatever parses renders to a file that parses back to the same list.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "edit/manifest_list.h"

namespace {

[[noreturn]] void Fail(const char* why) {
  std::fprintf(stderr, "%s\n", why);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > hoist::edit::kMaxManifestListFile) return 0;
  std::string input(reinterpret_cast<const char*>(data), size);
  auto list = hoist::edit::ParseManifestListFile(input);
  if (!list.ok()) {
    if (list.error().message().empty()) Fail("refused without a reason");
    return 0;
  }
  const std::string rendered = hoist::edit::RenderManifestListFile(*list);
  auto again = hoist::edit::ParseManifestListFile(rendered);
  if (!again.ok()) Fail("a rendered list does not parse back");
  if (again->name != list->name || again->entries.size() != list->entries.size() ||
      again->annotations != list->annotations || again->sources != list->sources) {
    Fail("a rendered list parses back to another list");
  }
  for (size_t i = 0; i < list->entries.size(); ++i) {
    if (again->entries[i].digest != list->entries[i].digest || again->entries[i].size != list->entries[i].size ||
        again->entries[i].media_type != list->entries[i].media_type) {
      Fail("an entry changed on the way back");
    }
  }
  if (hoist::edit::RenderManifestListFile(*again) != rendered) Fail("rendering is not stable");
  return 0;
}
