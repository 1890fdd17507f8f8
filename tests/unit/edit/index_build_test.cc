// Building indexes from images in several sources.

#include <catch2/catch.hpp>

#include "edit/index_build.h"
#include "memory_source.h"

using namespace hoist;
using namespace hoist::edit;
using hoist::edit_test::MemorySource;

namespace {

std::unique_ptr<MemorySource> ImageSource(const std::string& arch) {
  auto s = std::make_unique<MemorySource>();
  s->top = s->PutImage(arch).digest;
  return s;
}

std::unique_ptr<MemorySource> DockerImage() {
  auto s = std::make_unique<MemorySource>();
  Descriptor c = s->PutBlob(R"({"architecture":"s390x","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})",
                            std::string(kDockerConfig));
  Manifest m(std::string(kDockerManifest), c, {});
  s->top = s->PutDoc(m.raw(), std::string(kDockerManifest)).digest;
  return s;
}

CombinedSource Combine(std::vector<std::unique_ptr<MemorySource>> parts) {
  std::vector<std::unique_ptr<transfer::ImageSource>> out;
  for (auto& p : parts) out.push_back(std::move(p));
  return CombinedSource(std::move(out));
}

}  // namespace

TEST_CASE("an index from images takes each platform from its config and reads blobs from their source") {
  std::vector<std::unique_ptr<MemorySource>> parts;
  parts.push_back(ImageSource("amd64"));
  parts.push_back(ImageSource("arm64"));
  const Digest arm_top = parts[1]->top;
  CombinedSource c = Combine(std::move(parts));
  IndexBuildOptions o;
  o.annotations = {{"k", "v"}};
  auto edited = BuildIndex(c, o);
  REQUIRE(edited.ok());
  auto idx = Index::Parse(edited->manifests.at(edited->top.digest).bytes);
  REQUIRE(idx.ok());
  CHECK(idx->media_type() == kOciIndex);
  REQUIRE(idx->manifests().size() == 2);
  CHECK(idx->manifests()[0].platform->architecture == "amd64");
  CHECK(idx->manifests()[1].platform->architecture == "arm64");
  CHECK(idx->annotations().at("k") == "v");
  CHECK(c.GetManifest(arm_top).ok());
  CHECK(c.GetBlob(Descriptor::For("x", "layer-arm64"), 0).ok());
}

TEST_CASE("appending to an index keeps its entries and lists a repeated child once") {
  std::vector<std::unique_ptr<MemorySource>> parts;
  parts.push_back(ImageSource("amd64"));
  auto base = std::make_unique<MemorySource>();
  Descriptor amd = base->PutImage("amd64");
  amd.platform = *Platform::Parse("linux/amd64");
  Index existing(std::string(kOciIndex), {amd});
  existing.SetAnnotation("keep", "me");
  base->top = base->PutDoc(existing.raw(), std::string(kOciIndex)).digest;
  parts.insert(parts.begin(), std::move(base));
  parts.push_back(ImageSource("riscv64"));
  CombinedSource c = Combine(std::move(parts));
  IndexBuildOptions o;
  o.first_is_base = true;
  auto edited = BuildIndex(c, o);
  REQUIRE(edited.ok());
  auto idx = Index::Parse(edited->manifests.at(edited->top.digest).bytes);
  REQUIRE(idx->manifests().size() == 2);  // the amd64 image is the same one
  CHECK(idx->manifests()[1].platform->architecture == "riscv64");
  CHECK(idx->annotations().at("keep") == "me");
}

TEST_CASE("an index never mixes Docker and OCI children unless a format converts them") {
  std::vector<std::unique_ptr<MemorySource>> parts;
  parts.push_back(ImageSource("amd64"));
  parts.push_back(DockerImage());
  CombinedSource c = Combine(std::move(parts));
  auto r = BuildIndex(c, IndexBuildOptions{});
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("mix Docker schema 2 and OCI"));
  IndexBuildOptions v2;
  v2.format = ManifestFormat::kDockerV2S2;
  auto list = BuildIndex(c, v2);
  REQUIRE(list.ok());
  CHECK(list->top.media_type == kDockerManifestList);
  v2.annotations = {{"a", "b"}};
  CHECK(!BuildIndex(c, v2).ok());

  std::vector<std::unique_ptr<MemorySource>> docker;
  docker.push_back(DockerImage());
  CombinedSource only = Combine(std::move(docker));
  auto plain = BuildIndex(only, IndexBuildOptions{});
  REQUIRE(plain.ok());
  CHECK(plain->top.media_type == kDockerManifestList);
}

TEST_CASE("index append refuses a single image as the index") {
  std::vector<std::unique_ptr<MemorySource>> parts;
  parts.push_back(ImageSource("amd64"));
  parts.push_back(ImageSource("arm64"));
  CombinedSource c = Combine(std::move(parts));
  IndexBuildOptions o;
  o.first_is_base = true;
  auto r = BuildIndex(c, o);
  REQUIRE(!r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("not an index to append to"));
}
