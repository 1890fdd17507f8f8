// The simple-signing payload and the signature manifest, compared with what cosign wrote.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/manifest.h"
#include "core/media_types.h"
#include "sign/payload.h"
#include "sign/signature_manifest.h"
#include "sign_testdata.h"

using namespace hoist;
using namespace hoist::sign;

namespace {
Digest D(const char* s) { return *Digest::Parse(s); }
}  // namespace

TEST_CASE("the payload for cosign's reference and digest is byte-identical to cosign's") {
  auto ref = Reference::Parse(std::string(testdata::kSignedReference) + ":latest");
  REQUIRE(ref.ok());
  auto payload = RenderPayload(CosignDockerReference(*ref), D(testdata::kSignedDigest));
  REQUIRE(payload.ok());
  CHECK(*payload == testdata::Read("payload.json"));
  CHECK(Digest::Of(*payload).str() == "sha256:3a29d26a2fc848d25ccf9c2288194ca90599e70ef69087644f186e5e7331f28b");
}

TEST_CASE("annotations go into optional with sorted keys and Go's escaping") {
  auto p = RenderPayload("r.example/x", D(testdata::kSignedDigest), {{"b", "2"}, {"a", "<&>\u2028\n"}});
  REQUIRE(p.ok());
  CHECK_THAT(*p, Catch::EndsWith(R"("optional":{"a":"\u003c\u0026\u003e\u2028\n","b":"2"}})"));
  CHECK_FALSE(RenderPayload("r", D(testdata::kSignedDigest), {{"k", std::string("\xff")}}).ok());
  auto parsed = ParsePayload(*p);
  REQUIRE(parsed.ok());
  CHECK(parsed->optional["a"] == "<&>\u2028\n");
}

TEST_CASE("Docker Hub images are named index.docker.io/… in the payload, as cosign names them") {
  auto ref = Reference::Parse("alpine:3.19");
  REQUIRE(ref.ok());
  CHECK(CosignDockerReference(*ref) == "index.docker.io/library/alpine");
  CHECK(SameRepository("index.docker.io/library/alpine", *ref));
  CHECK(SameRepository("docker.io/library/alpine", *ref));
  CHECK_FALSE(SameRepository("index.docker.io/library/busybox", *ref));
  CHECK_FALSE(SameRepository("", *ref));
}

TEST_CASE("cosign's payload parses, incomplete or foreign payloads are refused with a reason") {
  auto p = ParsePayload(testdata::Read("payload.json"));
  REQUIRE(p.ok());
  CHECK(p->docker_reference == testdata::kSignedReference);
  CHECK(p->manifest_digest.str() == testdata::kSignedDigest);
  CHECK(p->optional.is_null());
  CHECK_THAT(ParsePayload("{}").error().message(), Catch::Contains("critical"));
  CHECK_THAT(ParsePayload(R"({"critical":{"type":"x"}})").error().message(), Catch::Contains("cosign container"));
  CHECK_THAT(ParsePayload(R"({"critical":{"type":"cosign container image signature","image":{"docker-manifest-digest":"md5:1"}}})")
                 .error().message(),
             Catch::Contains("docker-manifest-digest"));
  CHECK_FALSE(ParsePayload(std::string(kMaxPayloadSize + 1, ' ')).ok());
}

TEST_CASE("the signature manifest for cosign's signature is byte-identical to the one cosign pushed") {
  std::string sig = testdata::Read("signature.b64");
  while (!sig.empty() && sig.back() == '\n') sig.pop_back();
  auto built = BuildSignatureManifest({NewSignatureLayer(testdata::Read("payload.json"), sig)});
  CHECK(built.manifest == testdata::Read("signature-manifest.json"));
  CHECK(Digest::Of(built.config).str() == "sha256:2122b6ad0794d3fdae43a4b477cf1d95d4a38d3c5f10631e199676039b876e37");
  CHECK(SignatureTag(D(testdata::kSignedDigest)) ==
        "sha256-f20c43161d73848408ef247f0ec7111b19fe58ffebc0cbcaa0d2c8bda4967268.sig");
}

TEST_CASE("a signature manifest hoist writes has cosign's shape, field by field") {
  auto built = BuildSignatureManifest({NewSignatureLayer("payload-1", "c2lnMQ=="), NewSignatureLayer("payload-2", "c2lnMg==")});
  auto m = Manifest::Parse(built.manifest);
  REQUIRE(m.ok());
  CHECK(m->media_type() == kOciManifest);
  CHECK(m->config().media_type == kOciConfig);
  CHECK(m->config().digest == Digest::Of(built.config));
  CHECK(m->config().size == static_cast<int64_t>(built.config.size()));
  REQUIRE(m->layers().size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const Descriptor& l = m->layers()[i];
    CHECK(l.media_type == "application/vnd.dev.cosign.simplesigning.v1+json");
    CHECK(l.digest == Digest::Of("payload-" + std::to_string(i + 1)));
    CHECK(l.size == 9);
    REQUIRE(l.annotations.size() == 1);
    CHECK(l.annotations.count("dev.cosignproject.cosign/signature") == 1);
  }
  auto config = nlohmann::json::parse(built.config);
  CHECK(config["rootfs"]["diff_ids"].size() == 2);
  CHECK(config["history"].size() == 2);
  auto layers = ParseSignatureManifest(built.manifest);
  REQUIRE(layers.ok());
  REQUIRE(layers->size() == 2);
  CHECK((*layers)[1].signature == "c2lnMg==");
}

TEST_CASE("appending a signature keeps the existing ones and does not duplicate an identical one") {
  std::vector<SignatureLayer> layers = {NewSignatureLayer("p1", "czE=")};
  layers = AppendSignature(layers, NewSignatureLayer("p2", "czI="));
  CHECK(layers.size() == 2);
  layers = AppendSignature(layers, NewSignatureLayer("p2", "czI="));
  CHECK(layers.size() == 2);
  CHECK(layers[0].layer.digest == Digest::Of("p1"));
}

TEST_CASE("signature manifests are parsed within limits") {
  std::vector<SignatureLayer> many;
  for (int i = 0; i < 50; ++i) many.push_back(NewSignatureLayer("p" + std::to_string(i), "eA=="));
  auto built = BuildSignatureManifest(many);
  SignatureManifestLimits small;
  small.max_layers = 10;
  auto r = ParseSignatureManifest(built.manifest, small);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kTooLarge);
  small.max_layers = 100;
  small.max_bytes = 100;
  CHECK(ParseSignatureManifest(built.manifest, small).error().code() == ErrorCode::kTooLarge);
  CHECK_FALSE(ParseSignatureManifest(R"({"schemaVersion":2,"manifests":[]})").ok());
  CHECK_FALSE(ParseSignatureManifest("junk").ok());
}
