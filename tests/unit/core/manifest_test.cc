#include "core/manifest.h"

#include <catch2/catch.hpp>

#include "core/media_types.h"
#include "support/temp_dir.h"

using namespace hoist;
using Json = nlohmann::ordered_json;

namespace {

std::string Testdata(const std::string& name) {
  return hoist::testing::ReadFile(std::string(HOIST_SOURCE_DIR) + "/testdata/manifests/" + name);
}

// A valid OCI manifest as JSON, for tests that break one field at a time.
Json ValidOci() { return Json::parse(Testdata("oci_manifest.json")); }

template <class T>
std::string MessageOf(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error().message();
}

}  // namespace

TEST_CASE("a Docker schema 2 manifest parses") {
  std::string raw = Testdata("docker_manifest.json");
  auto m = Manifest::Parse(raw, kDockerManifest);
  REQUIRE(m.ok());
  CHECK(m->media_type() == kDockerManifest);
  CHECK(m->config().media_type == kDockerConfig);
  CHECK(m->config().size == 7023);
  REQUIRE(m->layers().size() == 3);
  CHECK(m->layers()[0].digest.str() == "sha256:2804bad6fe94a55f18b2b37e300919a5fd517b95aa81e95db574c0ba069a3740");
  CHECK(m->layers()[1].size == 41373962);
  CHECK(IsForeignLayer(m->layers()[2].media_type));
  REQUIRE(m->layers()[2].urls.size() == 1);
  CHECK_FALSE(m->subject().has_value());
}

TEST_CASE("an OCI manifest with odd spacing and key order parses") {
  auto m = Manifest::Parse(Testdata("oci_manifest.json"));
  REQUIRE(m.ok());
  CHECK(m->media_type() == kOciManifest);
  CHECK(m->config().media_type == kOciConfig);
  REQUIRE(m->layers().size() == 2);
  CHECK(m->layers()[0].annotations.at("io.example.layer.origin") == "base");
  CHECK(m->layers()[1].media_type == kOciLayerZstd);
  CHECK(m->layers()[1].extra.contains("io.example.unknown-descriptor-field"));
  CHECK(m->annotations().at("org.opencontainers.image.source") == "https://github.com/example/app");
}

TEST_CASE("an unchanged document keeps its exact bytes and digest") {
  for (const char* name : {"docker_manifest.json", "oci_manifest.json", "artifact_manifest.json"}) {
    INFO(name);
    std::string raw = Testdata(name);
    auto m = Manifest::Parse(raw);
    REQUIRE(m.ok());
    CHECK(m->raw() == raw);
    CHECK(m->Serialize() == raw);
    CHECK(m->digest() == Digest::Of(raw));
    CHECK(m->size() == static_cast<int64_t>(raw.size()));
  }
  for (const char* name : {"oci_index.json", "docker_manifest_list.json"}) {
    INFO(name);
    std::string raw = Testdata(name);
    auto i = Index::Parse(raw);
    REQUIRE(i.ok());
    CHECK(i->raw() == raw);
    CHECK(i->digest() == Digest::Of(raw));
  }
}

TEST_CASE("a modified manifest keeps the fields hoist does not know") {
  std::string raw = Testdata("oci_manifest.json");
  auto m = Manifest::Parse(raw);
  REQUIRE(m.ok());
  m->SetAnnotation("org.opencontainers.image.ref.name", "v2");
  CHECK(m->raw() != raw);
  CHECK(m->Serialize() == m->raw());
  CHECK(m->digest() == Digest::Of(m->raw()));

  auto again = Manifest::Parse(m->raw());
  REQUIRE(again.ok());
  CHECK(again->annotations().at("org.opencontainers.image.ref.name") == "v2");
  CHECK(again->annotations().at("org.opencontainers.image.created") == "2024-03-08T10:21:44Z");
  const Json& doc = again->json();
  REQUIRE(doc.contains("io.example.vendor-extension"));
  CHECK(doc["io.example.vendor-extension"]["nested"]["unicode"] == "caf\u00e9 \u2603");
  CHECK(doc["io.example.vendor-extension"]["build-id"] == 4711);
  CHECK(doc["layers"][1]["io.example.unknown-descriptor-field"] == Json::array({1, 2, 3}));
  // Original key order survives too: "layers" came first in the file.
  CHECK(doc.begin().key() == "layers");

  // Rewriting the layers from descriptors keeps descriptor-level unknown fields.
  auto layers = again->layers();
  layers.pop_back();
  layers.push_back(again->layers().back());
  again->set_layers(layers);
  CHECK(again->json()["layers"][1]["io.example.unknown-descriptor-field"] == Json::array({1, 2, 3}));
}

TEST_CASE("a multi-platform OCI index parses and picks manifests by platform") {
  auto idx = Index::Parse(Testdata("oci_index.json"), "application/vnd.oci.image.index.v1+json; charset=utf-8");
  REQUIRE(idx.ok());
  CHECK(idx->media_type() == kOciIndex);
  REQUIRE(idx->manifests().size() == 5);
  CHECK(idx->manifests()[3].platform->str() == "unknown/unknown");
  CHECK(idx->manifests()[3].annotations.at("vnd.docker.reference.type") == "attestation-manifest");

  auto pick = [&](const char* p) -> std::string {
    const Descriptor* d = idx->FindManifest(Platform::Parse(p).value());
    return d ? d->digest.Short(8) : "none";
  };
  CHECK(pick("linux/amd64") == "b2e6d606");
  CHECK(pick("linux/x86_64") == "b2e6d606");
  CHECK(pick("linux/arm64") == "2d0734fa");
  CHECK(pick("linux/aarch64") == "2d0734fa");
  CHECK(pick("linux/arm/v7") == "bf906dec");
  CHECK(pick("linux/armhf") == "bf906dec");
  CHECK(pick("linux/arm/v6") == "none");
  CHECK(pick("linux/s390x") == "none");
  CHECK(pick("windows/amd64") == "none");
}

TEST_CASE("a Docker manifest list with an attestation entry parses") {
  std::string raw = Testdata("docker_manifest_list.json");
  auto idx = Index::Parse(raw, kDockerManifestList);
  REQUIRE(idx.ok());
  CHECK(idx->media_type() == kDockerManifestList);
  REQUIRE(idx->manifests().size() == 4);
  CHECK(idx->manifests()[0].platform->str() == "linux/arm64/v8");
  CHECK(idx->manifests()[3].media_type == kOciManifest);
  const Descriptor* amd = idx->FindManifest(Platform::Parse("linux/amd64").value());
  REQUIRE(amd != nullptr);
  CHECK(amd->digest.Short(8) == "3f03e2ac");

  // The list's unknown platform field ("features") survives a change elsewhere.
  idx->SetAnnotation("org.example.note", "x");
  CHECK(idx->json()["manifests"][2]["platform"]["features"][0] == "sse4");
}

TEST_CASE("an artifact manifest keeps subject, artifactType and embedded data") {
  auto m = Manifest::Parse(Testdata("artifact_manifest.json"), kOciManifest);
  REQUIRE(m.ok());
  CHECK(m->artifact_type() == "application/spdx+json");
  CHECK(m->config().media_type == kOciEmpty);
  REQUIRE(m->config().data.has_value());
  CHECK(*m->config().data == "{}");
  REQUIRE(m->subject().has_value());
  CHECK(m->subject()->digest.Short(8) == "a9491f4c");
  Descriptor self = m->ToDescriptor();
  CHECK(self.artifact_type == "application/spdx+json");
  CHECK(self.media_type == kOciManifest);
  CHECK(self.digest == m->digest());
}

TEST_CASE("a document with both manifests and layers or config is refused as ambiguous") {
  std::string raw = Testdata("ambiguous.json");
  CHECK_THAT(MessageOf(Manifest::Parse(raw)), Catch::Contains("ambiguous"));
  CHECK_THAT(MessageOf(Index::Parse(raw)), Catch::Contains("ambiguous"));
  CHECK_THAT(MessageOf(ParseAnyManifest(raw, kOciIndex)), Catch::Contains("ambiguous"));
  CHECK_THAT(MessageOf(ParseAnyManifest(raw)), Catch::Contains("ambiguous"));
  Json only_config = Json::parse(raw);
  only_config.erase("layers");
  CHECK_THAT(MessageOf(Index::Parse(only_config.dump())), Catch::Contains("ambiguous"));
}

TEST_CASE("a mediaType that disagrees with the served media type is refused") {
  std::string docker = Testdata("docker_manifest.json");
  auto m = Manifest::Parse(docker, kOciManifest);
  CHECK_THAT(MessageOf(m), Catch::Contains("mediaType"));
  CHECK_THAT(MessageOf(m), Catch::Contains(std::string(kDockerManifest)));
  CHECK_THAT(MessageOf(ParseAnyManifest(docker, kOciManifest)), Catch::Contains("mediaType"));

  // A manifest is not an index, whichever side says so.
  CHECK_THAT(MessageOf(Manifest::Parse(Testdata("oci_index.json"))), Catch::Contains("not an image manifest"));
  CHECK_THAT(MessageOf(Index::Parse(docker)), Catch::Contains("not an image index"));
  CHECK_THAT(MessageOf(Manifest::Parse(docker, kDockerManifestList)), Catch::Contains("mediaType"));
  auto other = Manifest::Parse(docker, "application/vnd.oci.image.config.v1+json");
  REQUIRE_FALSE(other.ok());
}

TEST_CASE("Docker schema 1 manifests are refused as unsupported") {
  const char* signed_v1 = R"({"schemaVersion":1,"name":"library/busybox","tag":"1.0","architecture":"amd64",
    "fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],
    "history":[{"v1Compatibility":"{}"}],"signatures":[]})";
  for (auto r : {Manifest::Parse(signed_v1), Manifest::Parse(signed_v1, kDockerSchema1SignedManifest)}) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kUnsupported);
    CHECK_THAT(r.error().message(), Catch::Contains("schema 1"));
  }
  auto any = ParseAnyManifest(signed_v1, kDockerSchema1SignedManifest);
  REQUIRE_FALSE(any.ok());
  CHECK(any.error().code() == ErrorCode::kUnsupported);
  CHECK(ParseAnyManifest(signed_v1).error().code() == ErrorCode::kUnsupported);
}

TEST_CASE("invalid fields are refused with messages naming the field") {
  struct Case {
    const char* what;
    void (*mutate)(Json&);
    const char* message;
  };
  const Case cases[] = {
      {"bad config digest", [](Json& j) { j["config"]["digest"] = "sha256:abc"; }, "config.digest: invalid digest"},
      {"uppercase layer digest",
       [](Json& j) {
         j["layers"][1]["digest"] = "sha256:0AD3E4564BE1FDA7F1F91EEB48C26ACDF5F8F98BBA07844617487924B6312B96";
       },
       "layers[1].digest"},
      {"negative size", [](Json& j) { j["layers"][0]["size"] = -5; }, "layers[0].size: must not be negative"},
      {"fractional size", [](Json& j) { j["layers"][0]["size"] = 1.5; }, "layers[0].size: must be a non-negative integer"},
      {"string size", [](Json& j) { j["config"]["size"] = "1468"; }, "config.size: must be a non-negative integer"},
      {"missing size", [](Json& j) { j["config"].erase("size"); }, "config.size: missing"},
      {"missing layer mediaType", [](Json& j) { j["layers"][1].erase("mediaType"); }, "layers[1].mediaType: missing"},
      {"missing config", [](Json& j) { j.erase("config"); }, "config: missing"},
      {"missing layers", [](Json& j) { j.erase("layers"); }, "layers: missing"},
      {"layers not an array", [](Json& j) { j["layers"] = Json::object(); }, "layers: must be an array"},
      {"layer not an object", [](Json& j) { j["layers"][0] = "x"; }, "layers[0]: must be an object"},
      {"schemaVersion 3", [](Json& j) { j["schemaVersion"] = 3; }, "schemaVersion: must be 2, got 3"},
      {"schemaVersion string", [](Json& j) { j["schemaVersion"] = "2"; }, "schemaVersion: must be the integer 2"},
      {"missing schemaVersion", [](Json& j) { j.erase("schemaVersion"); }, "schemaVersion: missing"},
      {"annotation not a string", [](Json& j) { j["annotations"]["n"] = 1; }, "annotations.\"n\": must be a string"},
      {"url not http", [](Json& j) { j["layers"][0]["urls"] = Json::array({"file:///etc/passwd"}); },
       "layers[0].urls[0]: must be an http or https URL"},
      {"bad subject", [](Json& j) { j["subject"] = Json{{"mediaType", "x"}, {"size", 1}}; }, "subject.digest: missing"},
      {"artifactType not a string", [](Json& j) { j["artifactType"] = 5; }, "artifactType: must be a string"},
      {"bad platform", [](Json& j) { j["config"]["platform"] = Json{{"os", "linux"}}; },
       "config.platform.architecture: missing"},
      {"undecodable data", [](Json& j) { j["config"]["data"] = "!!!!"; }, "config.data: is not valid base64"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    Json j = ValidOci();
    c.mutate(j);
    auto m = Manifest::Parse(j.dump());
    REQUIRE_FALSE(m.ok());
    CHECK_THAT(m.error().message(), Catch::StartsWith("image manifest: "));
    CHECK_THAT(m.error().message(), Catch::Contains(c.message));
  }
}

TEST_CASE("embedded data must match the descriptor's digest and size") {
  Json j = Json::parse(Testdata("artifact_manifest.json"));
  j["config"]["data"] = "e30K";  // "{}\n": three bytes, size says two
  CHECK_THAT(MessageOf(Manifest::Parse(j.dump())), Catch::Contains("config.data: holds 3 bytes"));
  j["config"]["data"] = "W10=";  // "[]": right size, wrong digest
  auto m = Manifest::Parse(j.dump());
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code() == ErrorCode::kDigestMismatch);
  CHECK_THAT(m.error().message(), Catch::Contains("config.data"));
}

TEST_CASE("documents that are not strict JSON objects are refused") {
  CHECK_THAT(MessageOf(Manifest::Parse("")), Catch::Contains("empty document"));
  CHECK_THAT(MessageOf(Manifest::Parse("{\"schemaVersion\": 2,")), Catch::Contains("not valid JSON"));
  CHECK_THAT(MessageOf(Manifest::Parse("[1,2]")), Catch::Contains("expected a JSON object, got an array"));
  CHECK_THAT(MessageOf(Manifest::Parse(R"({"schemaVersion":2,"schemaVersion":2})")),
             Catch::Contains("duplicate key \"schemaVersion\""));
  std::string deep = std::string(100, '[') + std::string(100, ']');
  CHECK_THAT(MessageOf(Index::Parse("{\"x\":" + deep + "}")), Catch::Contains("nested deeper"));
  // Binary garbage never reaches the message.
  std::string garbage = "\x01\xff\xfe{";
  auto g = Manifest::Parse(garbage);
  REQUIRE_FALSE(g.ok());
  CHECK(g.error().message().find('\xff') == std::string::npos);
}

TEST_CASE("manifests over the size limit are refused before parsing") {
  std::string raw = Testdata("oci_manifest.json");
  raw.append(kMaxManifestSize + 1 - raw.size(), ' ');
  auto m = Manifest::Parse(raw);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code() == ErrorCode::kTooLarge);
  CHECK(Index::Parse(raw).error().code() == ErrorCode::kTooLarge);
  CHECK(ParseAnyManifest(raw).error().code() == ErrorCode::kTooLarge);
  raw.pop_back();  // exactly at the limit is fine
  CHECK(Manifest::Parse(raw).ok());
}

TEST_CASE("ParseAnyManifest decides the kind from mediaType, Content-Type or shape") {
  auto idx = ParseAnyManifest(Testdata("oci_index.json"), "application/json");
  REQUIRE(idx.ok());
  CHECK(std::holds_alternative<Index>(*idx));
  CHECK(MediaTypeOf(*idx) == kOciIndex);

  auto man = ParseAnyManifest(Testdata("docker_manifest.json"), kDockerManifest);
  REQUIRE(man.ok());
  CHECK(std::holds_alternative<Manifest>(*man));
  CHECK(RawOf(*man) == Testdata("docker_manifest.json"));

  // No mediaType field: the Content-Type decides, then the shape.
  Json bare_index = Json::parse(Testdata("oci_index.json"));
  bare_index.erase("mediaType");
  auto by_ct = ParseAnyManifest(bare_index.dump(), kDockerManifestList);
  REQUIRE(by_ct.ok());
  CHECK(MediaTypeOf(*by_ct) == kDockerManifestList);
  auto by_shape = ParseAnyManifest(bare_index.dump(), "text/plain; charset=utf-8");
  REQUIRE(by_shape.ok());
  CHECK(std::holds_alternative<Index>(*by_shape));
  CHECK(MediaTypeOf(*by_shape) == kOciIndex);

  Json bare_manifest = ValidOci();
  bare_manifest.erase("mediaType");
  auto m = ParseAnyManifest(bare_manifest.dump());
  REQUIRE(m.ok());
  CHECK(std::holds_alternative<Manifest>(*m));
  CHECK(MediaTypeOf(*m) == kOciManifest);

  auto unknown = ParseAnyManifest(Testdata("oci_manifest.json"), "application/vnd.example.thing+json");
  REQUIRE_FALSE(unknown.ok());
}

TEST_CASE("new manifests and indexes serialise and parse back") {
  Descriptor config = Descriptor::For(std::string(kOciConfig), R"({"architecture":"amd64","os":"linux"})");
  Descriptor layer = Descriptor::For(std::string(kOciLayerGzip), "layer bytes");
  layer.annotations["org.opencontainers.image.title"] = "rootfs.tar.gz";
  Manifest m(std::string(kOciManifest), config, {layer});
  auto back = Manifest::Parse(m.raw(), kOciManifest);
  REQUIRE(back.ok());
  CHECK(back->digest() == m.digest());
  CHECK(back->config().SameContent(config));
  REQUIRE(back->layers().size() == 1);
  CHECK(back->layers()[0].annotations == layer.annotations);

  Descriptor child = m.ToDescriptor();
  child.platform = Platform::Parse("linux/amd64").value();
  Index idx(std::string(kOciIndex), {child});
  idx.set_subject(back->ToDescriptor());
  auto idx_back = Index::Parse(idx.raw());
  REQUIRE(idx_back.ok());
  REQUIRE(idx_back->manifests().size() == 1);
  CHECK(idx_back->manifests()[0].digest == m.digest());
  CHECK(idx_back->manifests()[0].platform->str() == "linux/amd64");
  CHECK(idx_back->subject()->digest == m.digest());
  idx_back->set_subject(std::nullopt);
  CHECK_FALSE(idx_back->json().contains("subject"));
}

TEST_CASE("base64 for embedded data round-trips and rejects malformed input") {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                        std::string("\0\xff\x10", 3)}) {
    auto back = DecodeBase64(EncodeBase64(s));
    REQUIRE(back.has_value());
    CHECK(*back == s);
  }
  CHECK(EncodeBase64("foobar") == "Zm9vYmFy");
  CHECK(EncodeBase64("fo") == "Zm8=");
  for (const char* bad : {"Zm9", "Zm=v", "Zm9v!", "=Zm8", "Z===", "Zm8=Zm8="}) {
    INFO(bad);
    CHECK_FALSE(DecodeBase64(bad).has_value());
  }
}
