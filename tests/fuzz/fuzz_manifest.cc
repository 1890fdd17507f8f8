// Parses arbitrary bytes as an image manifest, an index, and a document of unknown kind. Whatever
// parses must keep its exact bytes, and after a change must re-render into a document that parses
// back to the same fields (and keeps the fields hoist does not know).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/manifest.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_manifest: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

// A re-rendering may grow past the size limit (escapes, floats): the only acceptable failure.
template <class T>
bool ParsedOrTooLarge(const hoist::Result<T>& r) {
  return r.ok() || r.error().code() == hoist::ErrorCode::kTooLarge;
}

bool SameDescriptors(const std::vector<hoist::Descriptor>& a, const std::vector<hoist::Descriptor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].SameContent(b[i]) || a[i].annotations != b[i].annotations || a[i].urls != b[i].urls ||
        a[i].platform != b[i].platform || a[i].artifact_type != b[i].artifact_type || a[i].data != b[i].data) {
      return false;
    }
  }
  return true;
}

void CheckManifest(const hoist::Manifest& parsed, std::string_view input) {
  Require(parsed.raw() == input, "raw() differs from the input", input);
  Require(parsed.digest() == hoist::Digest::Of(input), "digest() is not the input's digest", input);
  Require(!parsed.json().contains("manifests"), "a manifest with \"manifests\" was accepted", input);

  hoist::Manifest changed = parsed;
  changed.SetAnnotation("org.example.fuzz", "x");
  changed.set_layers(parsed.layers());
  auto again = hoist::Manifest::Parse(changed.raw(), parsed.media_type());
  Require(ParsedOrTooLarge(again), "re-rendered manifest does not parse", input);
  if (!again.ok()) return;
  Require(again->annotations().at("org.example.fuzz") == "x", "annotation lost", input);
  Require(again->config().SameContent(parsed.config()), "config changed", input);
  Require(SameDescriptors(again->layers(), parsed.layers()), "layers changed", input);
  Require(again->artifact_type() == parsed.artifact_type(), "artifactType changed", input);
  for (const auto& [k, v] : parsed.json().items()) {
    Require(again->json().contains(k), "a top-level field was lost", input);
  }
}

void CheckIndex(const hoist::Index& parsed, std::string_view input) {
  Require(parsed.raw() == input, "raw() differs from the input", input);
  Require(parsed.digest() == hoist::Digest::Of(input), "digest() is not the input's digest", input);
  Require(!parsed.json().contains("layers") && !parsed.json().contains("config"),
          "an index with \"layers\" or \"config\" was accepted", input);

  hoist::Index changed = parsed;
  changed.SetAnnotation("org.example.fuzz", "x");
  changed.set_manifests(parsed.manifests());
  auto again = hoist::Index::Parse(changed.raw(), parsed.media_type());
  Require(ParsedOrTooLarge(again), "re-rendered index does not parse", input);
  if (!again.ok()) return;
  Require(SameDescriptors(again->manifests(), parsed.manifests()), "manifests changed", input);
  for (const auto& [k, v] : parsed.json().items()) {
    Require(again->json().contains(k), "a top-level field was lost", input);
  }
  (void)parsed.FindManifest(hoist::Platform::Host());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);

  auto m = hoist::Manifest::Parse(input);
  if (m.ok()) {
    CheckManifest(*m, input);
  } else {
    Require(!m.error().message().empty(), "empty error message", input);
  }

  auto i = hoist::Index::Parse(input);
  if (i.ok()) {
    CheckIndex(*i, input);
  } else {
    Require(!i.error().message().empty(), "empty error message", input);
  }
  Require(!(m.ok() && i.ok()), "one document parsed as both manifest and index", input);

  auto any = hoist::ParseAnyManifest(input, "application/json");
  if (any.ok()) {
    Require(hoist::RawOf(*any) == input, "RawOf differs from the input", input);
    if (auto* am = std::get_if<hoist::Manifest>(&*any)) CheckManifest(*am, input);
    if (auto* ai = std::get_if<hoist::Index>(&*any)) CheckIndex(*ai, input);
  }
  return 0;
}
