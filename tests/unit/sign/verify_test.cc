// Signing and verifying over a SignatureStore: cosign's genuine signature, round trips, appending,
// --recursive, and every kind of tampering the issue names, each rejected with a reason.

#include <catch2/catch.hpp>

#include "core/base64.h"
#include "core/manifest.h"
#include "memory_signature_store.h"
#include "sign/sign.h"
#include "sign/verify.h"
#include "sign_testdata.h"

using namespace hoist;
using namespace hoist::sign;
using hoist::sign::testing::MemorySignatureStore;

namespace {

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// The store as cosign left the registry: its signature manifest, payload and config.
MemorySignatureStore CosignFixture() {
  MemorySignatureStore store;
  const std::string tag = SignatureTag(*Digest::Parse(testdata::kSignedDigest));
  REQUIRE(store.WriteBlob(testdata::Read("payload.json"), kSimpleSigningMediaType).ok());
  REQUIRE(store.WriteManifest(testdata::Read("signature-manifest.json"), kOciManifest, tag).ok());
  return store;
}

VerifyOptions ForRepository(const std::string& name) {
  VerifyOptions o;
  o.repository = *Reference::Parse(name, ReferenceParseOptions{false});
  return o;
}

PublicKey CosignKey() { return *PublicKey::FromPem(testdata::Read("cosign.pub")); }

std::string ImageManifest(const std::string& seed) {
  Manifest m(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), "{\"seed\":\"" + seed + "\"}"),
             {Descriptor::For(std::string(kOciLayerGzip), seed)});
  return m.raw();
}

// Replaces the signature manifest at `tag` with `layers`.
void Rewrite(MemorySignatureStore& store, const std::string& tag, const std::vector<SignatureLayer>& layers) {
  auto built = BuildSignatureManifest(layers);
  REQUIRE(store.WriteManifest(built.manifest, kOciManifest, tag).ok());
}

std::vector<SignatureLayer> LayersAt(MemorySignatureStore& store, const std::string& tag) {
  auto m = store.FindTagged(tag);
  REQUIRE(m.ok());
  REQUIRE(m->has_value());
  auto layers = ParseSignatureManifest((*m)->bytes);
  REQUIRE(layers.ok());
  return *layers;
}

}  // namespace

TEST_CASE("cosign's genuine signature verifies, and names its payload") {
  auto store = CosignFixture();
  auto report = VerifyDigest(store, CosignKey(), *Digest::Parse(testdata::kSignedDigest),
                             ForRepository(testdata::kSignedReference));
  REQUIRE(report.ok());
  REQUIRE(report->verified.size() == 1);
  CHECK(report->verified[0].payload == testdata::Read("payload.json"));
  CHECK(report->verified[0].signature == Trimmed(testdata::Read("signature.b64")));
  CHECK(RequireVerified(*report, "x").ok());
}

TEST_CASE("cosign's genuine signature is rejected under another key, with a reason") {
  auto store = CosignFixture();
  auto other = PrivateKey::Generate();
  REQUIRE(other.ok());
  auto report = VerifyDigest(store, other->Public(), *Digest::Parse(testdata::kSignedDigest),
                             ForRepository(testdata::kSignedReference));
  REQUIRE(report.ok());
  CHECK(report->verified.empty());
  REQUIRE(report->rejected.size() == 1);
  CHECK_THAT(report->rejected[0], Catch::Contains("does not match the payload under this key"));
  auto st = RequireVerified(*report, "docker://x");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kDenied);
  CHECK_THAT(st.error().message(), Catch::Contains("no valid signature"));
}

TEST_CASE("a signature for another repository is rejected unless the reference check is off") {
  auto store = CosignFixture();
  const Digest image = *Digest::Parse(testdata::kSignedDigest);
  auto report = VerifyDigest(store, CosignKey(), image, ForRepository("localhost:15381/someone/else"));
  REQUIRE(report.ok());
  CHECK(report->verified.empty());
  REQUIRE(report->rejected.size() == 1);
  CHECK_THAT(report->rejected[0], Catch::Contains("names \"localhost:15381/tobby/fixture\""));
  auto ignored = VerifyDigest(store, CosignKey(), image, VerifyOptions{});
  REQUIRE(ignored.ok());
  CHECK(ignored->verified.size() == 1);
}

TEST_CASE("an image without signatures has no candidates and a clear reason") {
  MemorySignatureStore store;
  store.AddImage(ImageManifest("a"));
  auto report = VerifyImage(store, CosignKey(), VerifyOptions{});
  REQUIRE(report.ok());
  CHECK(report->candidates == 0);
  auto st = RequireVerified(*report, "docker://r/x");
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("no signatures found"));
}

TEST_CASE("sign then verify, another key's signature is appended, the same key's again is not") {
  MemorySignatureStore store;
  const Digest image = store.AddImage(ImageManifest("app"));
  auto key = PrivateKey::Generate();
  REQUIRE(key.ok());
  SignOptions so;
  so.docker_reference = "localhost:5000/team/app";
  auto signed1 = SignImage(store, *key, so);
  REQUIRE(signed1.ok());
  REQUIRE(signed1->size() == 1);
  CHECK((*signed1)[0].digest == image);
  CHECK((*signed1)[0].signature_tag == SignatureTag(image));
  auto report = VerifyImage(store, key->Public(), ForRepository("localhost:5000/team/app"));
  REQUIRE(report.ok());
  CHECK(report->verified.size() == 1);

  // Signing the same payload with the same key again adds nothing (cosign's duplicate detection).
  auto again = SignImage(store, *key, so);
  REQUIRE(again.ok());
  CHECK(LayersAt(store, SignatureTag(image)).size() == 1);

  auto key2 = PrivateKey::Generate();
  REQUIRE(key2.ok());
  so.annotations = {{"build", "42"}};
  REQUIRE(SignImage(store, *key2, so).ok());
  CHECK(LayersAt(store, SignatureTag(image)).size() == 2);
  auto both = VerifyImage(store, key2->Public(), ForRepository("localhost:5000/team/app"));
  REQUIRE(both.ok());
  REQUIRE(both->verified.size() == 1);  // only key2's; key1's is rejected under key2
  CHECK(both->verified[0].parsed.optional["build"] == "42");
  CHECK(both->rejected.size() == 1);
  // The first key still verifies its own signature.
  CHECK(VerifyImage(store, key->Public(), VerifyOptions{})->verified.size() == 1);
}

TEST_CASE("recursive signing covers the index and every platform manifest") {
  MemorySignatureStore store;
  const Digest amd = store.AddImage(ImageManifest("amd64"));
  const Digest arm = store.AddImage(ImageManifest("arm64"));
  Descriptor da = Descriptor::For(std::string(kOciManifest), store.manifests[amd.str()].bytes);
  Descriptor db = Descriptor::For(std::string(kOciManifest), store.manifests[arm.str()].bytes);
  Index index(std::string(kOciIndex), {da, db});
  const Digest top = store.AddImage(index.raw(), std::string(kOciIndex));
  auto key = PrivateKey::Generate();
  REQUIRE(key.ok());
  SignOptions so;
  so.docker_reference = "r.example/multi";
  auto flat = SignImage(store, *key, so);
  REQUIRE(flat.ok());
  CHECK(flat->size() == 1);
  CHECK(store.tags.count(SignatureTag(amd)) == 0);
  so.recursive = true;
  auto deep = SignImage(store, *key, so);
  REQUIRE(deep.ok());
  REQUIRE(deep->size() == 3);
  CHECK(deep->back().digest == top);
  for (const Digest& d : {amd, arm, top}) {
    auto r = VerifyDigest(store, key->Public(), d, VerifyOptions{});
    REQUIRE(r.ok());
    CHECK(r->verified.size() == 1);
  }
}

TEST_CASE("tampering is rejected with a reason") {
  MemorySignatureStore store;
  const Digest image = store.AddImage(ImageManifest("victim"));
  const Digest other = Digest::Of("another manifest");
  auto key = PrivateKey::Generate();
  REQUIRE(key.ok());
  const std::string tag = SignatureTag(image);
  auto sign_layer = [&](const std::string& payload) {
    REQUIRE(store.WriteBlob(payload, kSimpleSigningMediaType).ok());
    return NewSignatureLayer(payload, EncodeBase64(*key->Sign(payload)));
  };
  auto only_reason = [&]() {
    auto r = VerifyDigest(store, key->Public(), image, VerifyOptions{});
    REQUIRE(r.ok());
    CHECK(r->verified.empty());
    REQUIRE(r->rejected.size() == 1);
    return r->rejected[0];
  };
  const std::string good = *RenderPayload("r.example/app", image);

  SECTION("a payload naming another digest") {
    Rewrite(store, tag, {sign_layer(*RenderPayload("r.example/app", other))});
    CHECK_THAT(only_reason(), Catch::Contains("the payload signs " + other.str()));
  }
  SECTION("a signature over different bytes") {
    SignatureLayer l = sign_layer(good);
    l.signature = EncodeBase64(*key->Sign(good + " "));
    Rewrite(store, tag, {l});
    CHECK_THAT(only_reason(), Catch::Contains("does not match the payload"));
  }
  SECTION("a truncated signature") {
    SignatureLayer l = sign_layer(good);
    std::string der = *key->Sign(good);
    l.signature = EncodeBase64(der.substr(0, der.size() / 2));
    Rewrite(store, tag, {l});
    CHECK_THAT(only_reason(), Catch::Contains("signature"));
  }
  SECTION("a signature manifest whose layer digest is wrong") {
    SignatureLayer l = sign_layer(good);
    const std::string forged = *RenderPayload("r.example/app", other);
    // The descriptor names the good payload, but what is stored under that digest is other bytes.
    store.blobs[l.layer.digest.str()] = forged;
    Rewrite(store, tag, {l});
    CHECK_THAT(only_reason(), Catch::Contains("does not match its descriptor"));
  }
  SECTION("a wrong key") {
    Rewrite(store, tag, {sign_layer(good)});
    auto wrong = PrivateKey::Generate();
    auto r = VerifyDigest(store, wrong->Public(), image, VerifyOptions{});
    REQUIRE(r.ok());
    CHECK(r->verified.empty());
    CHECK_THAT(r->rejected.at(0), Catch::Contains("under this key"));
  }
  SECTION("a signature annotation that is not base64, and a layer of another type") {
    SignatureLayer l = sign_layer(good);
    l.signature = "%%%";
    SignatureLayer m = sign_layer(good);
    m.layer.media_type = "application/octet-stream";
    Rewrite(store, tag, {l, m});
    auto r = VerifyDigest(store, key->Public(), image, VerifyOptions{});
    REQUIRE(r.ok());
    REQUIRE(r->rejected.size() == 2);
    CHECK_THAT(r->rejected[0], Catch::Contains("not valid base64"));
    CHECK_THAT(r->rejected[1], Catch::Contains("not a simple-signing payload"));
  }
  SECTION("an unreadable signature manifest") {
    REQUIRE(store.WriteManifest("{not json", kOciManifest, tag).ok());
    CHECK_THAT(only_reason(), Catch::Contains(tag));
  }
}

TEST_CASE("a thousand junk signatures are bounded in work and memory") {
  MemorySignatureStore store;
  const Digest image = store.AddImage(ImageManifest("popular"));
  auto key = PrivateKey::Generate();
  REQUIRE(key.ok());
  std::vector<SignatureLayer> junk;
  for (int i = 0; i < 1000; ++i) {
    const std::string payload = "junk payload " + std::to_string(i);
    REQUIRE(store.WriteBlob(payload, kSimpleSigningMediaType).ok());
    junk.push_back(NewSignatureLayer(payload, EncodeBase64("not a DER signature " + std::to_string(i))));
  }
  Rewrite(store, SignatureTag(image), junk);
  VerifyOptions o;
  o.max_fetched = 50;
  auto r = VerifyDigest(store, key->Public(), image, o);
  REQUIRE(r.ok());
  CHECK(r->candidates == 1000);
  CHECK(r->verified.empty());
  CHECK(store.blob_reads == 50);          // downloads stop at the bound
  CHECK(r->rejected.size() == 51);        // 50 reasons, then one line for the rest
  CHECK_THAT(r->rejected.back(), Catch::Contains("not checked"));
  auto st = RequireVerified(*r, "x");
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message().size() < 2000);  // the message stays readable
}
