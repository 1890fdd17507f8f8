// Trust policy in the containers-policy.json format: scopes, requirement types, and enforcement
// over real signatures.

#include <catch2/catch.hpp>

#include "core/base64.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "memory_signature_store.h"
#include "sign/policy.h"
#include "sign/sign.h"
#include "sign_testdata.h"
#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::sign;
using hoist::sign::testing::MemorySignatureStore;

namespace {
Reference R(const std::string& s) { return *Reference::Parse(s); }

std::string ImageManifest() {
  Manifest m(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), "{}"), {});
  return m.raw();
}
}  // namespace

TEST_CASE("the most specific docker scope wins, then the transport default, then default") {
  const std::string key = EncodeBase64(testdata::Read("cosign.pub"));
  auto p = TrustPolicy::Parse(R"({
    "default": [{"type": "reject"}],
    "transports": {
      "docker": {
        "registry.example/team/app:1": [{"type": "insecureAcceptAnything"}],
        "registry.example/team": [{"type": "sigstoreSigned", "keyData": ")" + key + R"("}],
        "registry.example": [{"type": "reject"}],
        "*.corp.example": [{"type": "insecureAcceptAnything"}],
        "": [{"type": "sigstoreSigned", "keyData": ")" + key + R"("}]
      },
      "oci": {"": [{"type": "insecureAcceptAnything"}]}
    }})", "");
  REQUIRE(p.ok());
  CHECK(p->RequirementsFor(R("registry.example/team/app:1")).scope == "registry.example/team/app:1");
  CHECK(p->RequirementsFor(R("registry.example/team/app:2")).scope == "registry.example/team");
  CHECK(p->RequirementsFor(R("registry.example/team/sub/x:2")).scope == "registry.example/team");
  CHECK(p->RequirementsFor(R("registry.example/other:2")).scope == "registry.example");
  CHECK(p->RequirementsFor(R("mirror.corp.example:5000/x")).scope == "*.corp.example");
  CHECK(p->RequirementsFor(R("alpine")).scope == "transports.docker[\"\"]");
}

TEST_CASE("a policy without a docker transport falls back to default") {
  auto p = TrustPolicy::Parse(R"({"default":[{"type":"insecureAcceptAnything"}]})", "");
  REQUIRE(p.ok());
  CHECK(p->RequirementsFor(R("alpine")).scope == "default");
}

TEST_CASE("policies hoist cannot honour are refused when read, with a reason") {
  CHECK_THAT(TrustPolicy::Parse(R"({"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"/k"}]})", "")
                 .error().message(),
             Catch::Contains("signedBy"));
  CHECK_THAT(TrustPolicy::Parse(R"({"transports":{}})", "").error().message(), Catch::Contains("default"));
  CHECK_FALSE(TrustPolicy::Parse(R"({"default":[]})", "").ok());
  CHECK_FALSE(TrustPolicy::Parse(R"({"default":[{"type":"sigstoreSigned"}]})", "").ok());
  CHECK_FALSE(TrustPolicy::Parse(R"({"default":[{"type":"sigstoreSigned","keyPath":"/no/such.pub"}]})", "").ok());
  CHECK_FALSE(TrustPolicy::Parse("[", "").ok());
}

TEST_CASE("keyPath is read relative to the policy file") {
  hoist::testing::TempDir dir;
  hoist::testing::WriteFile(dir / "cosign.pub", testdata::Read("cosign.pub"));
  hoist::testing::WriteFile(dir / "policy.json",
                            R"({"default":[{"type":"sigstoreSigned","keyPath":"cosign.pub"}]})");
  auto p = TrustPolicy::Load(dir / "policy.json");
  REQUIRE(p.ok());
  CHECK(p->RequirementsFor(R("x/y")).requirements->at(0).keys.size() == 1);
}

TEST_CASE("enforcement: signed images pass, unsigned and rejected ones are refused with the scope") {
  auto key = PrivateKey::Generate();
  REQUIRE(key.ok());
  MemorySignatureStore store;
  const Digest image = store.AddImage(ImageManifest());
  const Reference ref = R("registry.example/team/app:1");
  TrustPolicy require = TrustPolicy::RequireKey(key->Public());

  auto unsigned_st = CheckPolicy(require, ref, image, store);
  REQUIRE_FALSE(unsigned_st.ok());
  CHECK(unsigned_st.error().code() == ErrorCode::kDenied);
  CHECK_THAT(unsigned_st.error().message(), Catch::Contains("policy (default) refuses"));

  SignOptions so;
  so.docker_reference = "registry.example/team/app";
  REQUIRE(SignImage(store, *key, so).ok());
  CHECK(CheckPolicy(require, ref, image, store).ok());
  // Signed for this repository only: the same digest under another name is refused.
  CHECK_FALSE(CheckPolicy(require, R("registry.example/team/copy:1"), image, store).ok());

  auto reject = TrustPolicy::Parse(R"({"default":[{"type":"reject"}]})", "");
  REQUIRE(reject.ok());
  CHECK_THAT(CheckPolicy(*reject, ref, image, store).error().message(), Catch::Contains("rejected"));
  auto anything = TrustPolicy::Parse(R"({"default":[{"type":"insecureAcceptAnything"}]})", "");
  CHECK(CheckPolicy(*anything, R("x/unsigned"), Digest::Of("nothing"), store).ok());
  // Content trust: accepting anything is not enough, a valid signature must be there.
  auto trusted = CheckPolicy(*anything, R("x/unsigned"), Digest::Of("nothing"), store, true);
  REQUIRE_FALSE(trusted.ok());
  CHECK(trusted.error().code() == ErrorCode::kDenied);
  CHECK_THAT(trusted.error().message(), Catch::Contains("content trust"));
  CHECK(CheckPolicy(require, ref, image, store, true).ok());

  const std::string pub = EncodeBase64(key->Public().ToPem());
  auto exact = TrustPolicy::Parse(R"({"default":[{"type":"sigstoreSigned","keyData":")" + pub +
                                      R"(","signedIdentity":{"type":"exactRepository","dockerRepository":"registry.example/team/app"}}]})",
                                  "");
  REQUIRE(exact.ok());
  CHECK(CheckPolicy(*exact, R("mirror.example/app:1"), image, store).ok());
}
