#include "core/manifest_convert.h"

#include <catch2/catch.hpp>

#include "core/media_types.h"

using namespace hoist;

namespace {

Descriptor Blob(std::string_view type, const std::string& content) { return Descriptor::For(std::string(type), content); }

Manifest DockerImage() {
  return Manifest(std::string(kDockerManifest), Blob(kDockerConfig, "{}"),
                  {Blob(kDockerLayerGzip, "layer one"), Blob(kDockerLayerTar, "layer two")});
}

}  // namespace

TEST_CASE("a Docker schema 2 manifest converts to OCI and back to the same bytes") {
  Manifest docker = DockerImage();
  auto oci = ConvertManifest(docker, ManifestFormat::kOci);
  REQUIRE(oci.ok());
  CHECK(oci->media_type() == kOciManifest);
  CHECK(oci->config().media_type == kOciConfig);
  CHECK(oci->config().digest == docker.config().digest);
  REQUIRE(oci->layers().size() == 2);
  CHECK(oci->layers()[0].media_type == kOciLayerGzip);
  CHECK(oci->layers()[1].media_type == kOciLayerTar);
  CHECK(oci->layers()[0].digest == docker.layers()[0].digest);
  CHECK(!(oci->digest() == docker.digest()));
  auto back = ConvertManifest(*oci, ManifestFormat::kDockerV2S2);
  REQUIRE(back.ok());
  CHECK(back->raw() == docker.raw());
}

TEST_CASE("a manifest already in the wanted format keeps its bytes") {
  Manifest docker = DockerImage();
  auto same = ConvertManifest(docker, ManifestFormat::kDockerV2S2);
  REQUIRE(same.ok());
  CHECK(same->digest() == docker.digest());
  CHECK(ParseManifestFormat("oci") == ManifestFormat::kOci);
  CHECK(ParseManifestFormat("v2s2") == ManifestFormat::kDockerV2S2);
  CHECK(!ParseManifestFormat("v2s1"));
  CHECK(!ParseManifestFormat("OCI"));
}

TEST_CASE("what Docker schema 2 cannot express is refused with the reason") {
  Manifest zstd(std::string(kOciManifest), Blob(kOciConfig, "{}"), {Blob(kOciLayerZstd, "z")});
  auto z = ConvertManifest(zstd, ManifestFormat::kDockerV2S2);
  REQUIRE(!z.ok());
  CHECK_THAT(z.error().message(), Catch::Contains("zstd"));

  Manifest artifact(std::string(kOciManifest), Blob("application/vnd.example.thing+json", "{}"), {Blob(kOciEmpty, "{}")});
  auto a = ConvertManifest(artifact, ManifestFormat::kDockerV2S2);
  REQUIRE(!a.ok());
  CHECK_THAT(a.error().message(), Catch::Contains("artifact"));

  Manifest attached(std::string(kOciManifest), Blob(kOciConfig, "{}"), {});
  attached.set_subject(Blob(kOciManifest, "{}"));
  auto s = ConvertManifest(attached, ManifestFormat::kDockerV2S2);
  REQUIRE(!s.ok());
  CHECK_THAT(s.error().message(), Catch::Contains("subject"));

  // OCI annotations have no place in schema 2: dropped, the image kept.
  Manifest annotated(std::string(kOciManifest), Blob(kOciConfig, "{}"), {Blob(kOciLayerGzip, "l")});
  annotated.SetAnnotation("org.example", "x");
  auto d = ConvertManifest(annotated, ManifestFormat::kDockerV2S2);
  REQUIRE(d.ok());
  CHECK(d->annotations().empty());
}

TEST_CASE("an index converts to a manifest list naming the converted children") {
  Manifest child = DockerImage();
  auto oci_child = ConvertManifest(child, ManifestFormat::kOci);
  REQUIRE(oci_child.ok());
  Descriptor entry = child.ToDescriptor();
  entry.platform = Platform::Parse("linux/amd64").value();
  Descriptor other = Blob(kDockerManifest, "not converted");
  other.platform = Platform::Parse("linux/arm64").value();
  Index list(std::string(kDockerManifestList), {entry, other});
  std::map<Digest, Descriptor> converted = {{child.digest(), oci_child->ToDescriptor()}};
  auto index = ConvertIndex(list, ManifestFormat::kOci, converted);
  REQUIRE(index.ok());
  CHECK(index->media_type() == kOciIndex);
  REQUIRE(index->manifests().size() == 2);
  CHECK(index->manifests()[0].digest == oci_child->digest());
  CHECK(index->manifests()[0].media_type == kOciManifest);
  CHECK(index->manifests()[0].platform->str() == "linux/amd64");
  CHECK(index->manifests()[1].digest == other.digest);  // not in the copy: only its type is mapped
  CHECK(index->manifests()[1].media_type == kOciManifest);
}
