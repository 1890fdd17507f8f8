#include "core/media_types.h"

#include <catch2/catch.hpp>

using namespace hoist;

TEST_CASE("manifest and index media types are told apart") {
  CHECK(IsManifest(kOciManifest));
  CHECK(IsManifest(kDockerManifest));
  CHECK_FALSE(IsManifest(kOciIndex));
  CHECK(IsIndex(kOciIndex));
  CHECK(IsIndex(kDockerManifestList));
  CHECK_FALSE(IsIndex(kDockerManifest));
  CHECK_FALSE(IsManifest(kDockerSchema1SignedManifest));
  CHECK(IsSchema1(kDockerSchema1SignedManifest));
  CHECK(IsSchema1(kDockerSchema1Manifest));
  CHECK(IsConfig(kOciConfig));
  CHECK(IsConfig(kDockerConfig));
  CHECK_FALSE(IsConfig(kOciEmpty));
}

TEST_CASE("media type helpers ignore Content-Type parameters and whitespace") {
  CHECK(BaseMediaType(" application/vnd.oci.image.index.v1+json ; charset=utf-8") == kOciIndex);
  CHECK(IsIndex("application/vnd.oci.image.index.v1+json; charset=utf-8"));
  CHECK(IsManifest("application/vnd.docker.distribution.manifest.v2+json;q=0.9"));
  CHECK(BaseMediaType("   ").empty());
}

TEST_CASE("layer media types, foreign layers and their compression") {
  CHECK(IsLayer(kOciLayerTar));
  CHECK(IsLayer(kOciLayerGzip));
  CHECK(IsLayer(kOciLayerZstd));
  CHECK(IsLayer(kDockerLayerGzip));
  CHECK(IsLayer(kDockerForeignLayerGzip));
  CHECK(IsLayer(kOciForeignLayerGzip));
  CHECK_FALSE(IsLayer(kOciConfig));
  CHECK_FALSE(IsLayer("application/spdx+json"));

  CHECK(IsForeignLayer(kDockerForeignLayerGzip));
  CHECK(IsForeignLayer(kOciForeignLayerTar));
  CHECK(IsForeignLayer(kOciForeignLayerZstd));
  CHECK_FALSE(IsForeignLayer(kOciLayerGzip));

  CHECK(LayerCompressionOf(kOciLayerTar) == Compression::kNone);
  CHECK(LayerCompressionOf(kDockerLayerTar) == Compression::kNone);
  CHECK(LayerCompressionOf(kOciLayerGzip) == Compression::kGzip);
  CHECK(LayerCompressionOf(kDockerLayerGzip) == Compression::kGzip);
  CHECK(LayerCompressionOf(kDockerForeignLayerGzip) == Compression::kGzip);
  CHECK(LayerCompressionOf(kOciLayerZstd) == Compression::kZstd);
  CHECK(LayerCompressionOf(kOciForeignLayerZstd) == Compression::kZstd);
  CHECK(LayerCompressionOf("application/vnd.cncf.helm.chart.content.v1.tar+gzip") == Compression::kGzip);
  CHECK_FALSE(LayerCompressionOf(kOciConfig).has_value());
  CHECK_FALSE(LayerCompressionOf("application/spdx+json").has_value());

  CHECK(OciLayerMediaType(Compression::kZstd) == kOciLayerZstd);
  CHECK(OciLayerMediaType(Compression::kGzip) == kOciLayerGzip);
  CHECK(OciLayerMediaType(Compression::kNone) == kOciLayerTar);
}

TEST_CASE("media types are attributed to Docker or OCI") {
  CHECK(IsDocker(kDockerManifest));
  CHECK(IsDocker(kDockerLayerGzip));
  CHECK_FALSE(IsDocker(kOciManifest));
  CHECK(IsOci(kOciManifest));
  CHECK(IsOci(kOciEmpty));
  CHECK_FALSE(IsOci(kDockerConfig));
  CHECK_FALSE(IsOci("application/spdx+json"));
  CHECK_FALSE(IsDocker("application/spdx+json"));
}
