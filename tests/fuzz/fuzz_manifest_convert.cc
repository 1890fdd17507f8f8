// Converts whatever parses as a manifest or index to OCI and to Docker schema 2 (`--format
// oci|v2s2` on documents a registry or archive served). A conversion either fails with an Error or
// gives a document that parses back, names the same blobs, and converts back to the same blobs.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <variant>

#include "core/manifest_convert.h"

namespace {

void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_manifest_convert: %s\n", what);
  std::abort();
}

bool SameBlobs(const hoist::Manifest& a, const hoist::Manifest& b) {
  if (!(a.config().digest == b.config().digest) || a.layers().size() != b.layers().size()) return false;
  for (size_t i = 0; i < a.layers().size(); ++i) {
    if (!(a.layers()[i].digest == b.layers()[i].digest) || a.layers()[i].size != b.layers()[i].size) return false;
  }
  return true;
}

void Check(const hoist::Manifest& m, hoist::ManifestFormat to, hoist::ManifestFormat back) {
  auto converted = hoist::ConvertManifest(m, to);
  if (!converted.ok()) return;
  auto reparsed = hoist::Manifest::Parse(converted->raw(), converted->media_type());
  Require(reparsed.ok(), "a converted manifest does not parse back");
  Require(SameBlobs(m, *reparsed), "a converted manifest names other blobs");
  auto again = hoist::ConvertManifest(*reparsed, back);
  if (again.ok()) Require(SameBlobs(m, *again), "converting back names other blobs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto any = hoist::ParseAnyManifest(input);
  if (!any.ok()) return 0;
  using hoist::ManifestFormat;
  if (auto* m = std::get_if<hoist::Manifest>(&*any)) {
    Check(*m, ManifestFormat::kOci, ManifestFormat::kDockerV2S2);
    Check(*m, ManifestFormat::kDockerV2S2, ManifestFormat::kOci);
  } else {
    const auto& index = std::get<hoist::Index>(*any);
    for (auto to : {ManifestFormat::kOci, ManifestFormat::kDockerV2S2}) {
      auto converted = hoist::ConvertIndex(index, to, {});
      if (!converted.ok()) continue;
      auto reparsed = hoist::Index::Parse(converted->raw(), converted->media_type());
      Require(reparsed.ok(), "a converted index does not parse back");
      Require(reparsed->manifests().size() == index.manifests().size(), "a converted index lost entries");
    }
  }
  return 0;
}
