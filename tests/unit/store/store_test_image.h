#pragma once
// Test helper: small images written straight into an OciLayout (config, layers, manifest), so the
// store's tests do not depend on pull or load.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/image_config.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "store/oci_layout.h"

namespace hoist::store::testing {

struct TestImage {
  Descriptor manifest;
  Descriptor config;
  std::vector<Descriptor> layers;
};

// An image of `layer_contents` (stored as-is under the uncompressed OCI layer type) whose config
// says it was created at `created`. Different seeds give different images.
inline TestImage PutTestImage(OciLayout& layout, const std::vector<std::string>& layer_contents,
                              const std::string& created = "2024-01-02T03:04:05Z",
                              const std::string& arch = "amd64") {
  TestImage img;
  ImageConfig config(Platform{"linux", arch, "", "", {}});
  config.set_created(created);
  for (const auto& content : layer_contents) {
    auto d = layout.PutBytes(content, std::string(kOciLayerTar));
    REQUIRE(d.ok());
    img.layers.push_back(*d);
    config.AddLayer(d->digest, HistoryEntry{created, "/bin/sh -c add " + std::to_string(content.size()), "", "",
                                            false, nlohmann::ordered_json::object()});
  }
  config.AddEmptyLayerHistory(HistoryEntry{created, "/bin/sh -c #(nop) CMD [\"sh\"]", "", "", true,
                                           nlohmann::ordered_json::object()});
  auto cd = layout.PutBytes(config.raw(), std::string(kOciConfig));
  REQUIRE(cd.ok());
  img.config = *cd;
  Manifest m(std::string(kOciManifest), img.config, img.layers);
  auto md = layout.PutBytes(m.raw(), std::string(kOciManifest));
  REQUIRE(md.ok());
  img.manifest = *md;
  return img;
}

inline Reference Ref(const std::string& text) {
  auto r = Reference::Parse(text);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace hoist::store::testing
