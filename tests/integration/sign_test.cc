// hoist key generate / sign / verify against the real registry, with the image pushed by skopeo and
// the signature checked by plain OpenSSL as well as by hoist.

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/descriptor.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "registry/client/blob_sink.h"
#include "registry/client/repository.h"
#include "registry/http/curl_client.h"
#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "integration/sign_test_support.h"

using namespace hoist;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::kPassword;
using hoist::testing::PushWithSkopeo;
using hoist::testing::With;
using hoist::testing::WriteLayout;

namespace {

registry::Repository Repo(const Registry& reg, const std::string& name) {
  auto repo = registry::Repository::Open(std::make_shared<registry::CurlClient>(registry::HttpClientOptions{}),
                                         reg.url(), name);
  REQUIRE(repo.ok());
  return *repo;
}

}  // namespace

TEST_CASE("key generate writes cosign's formats, the private key 0600") {
  TempDir dir;
  auto r = RunHoist({"key", "generate", "--output-key-prefix", dir / "k"}, kPassword);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  struct stat st {};
  REQUIRE(stat((dir / "k.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_THAT(testing::ReadFile(dir / "k.key"), Catch::StartsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"));
  CHECK_THAT(testing::ReadFile(dir / "k.pub"), Catch::StartsWith("-----BEGIN PUBLIC KEY-----"));
  // OpenSSL reads the public key as an EC P-256 key.
  auto o = RunCommand({"openssl", "pkey", "-pubin", "-in", dir / "k.pub", "-noout", "-text"});
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.out, Catch::Contains("P-256"));
  // A second run does not overwrite the pair.
  auto again = RunHoist({"key", "generate", "--output-key-prefix", dir / "k"}, kPassword);
  CHECK(again.exit_code != 0);
  CHECK_THAT(again.err, Catch::Contains("already exists"));
}

TEST_CASE("sign an image skopeo pushed, verify it with hoist and with plain openssl") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "cosign"}, kPassword).exit_code == 0);
  const std::string ref = PushWithSkopeo(*registry, "one", "team/app:1");

  auto s = RunHoist(With({"sign", "--key", dir / "cosign.key", "-a", "build=42", ref}, *registry), kPassword);
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK_THAT(s.err, Catch::Contains(".sig"));

  auto v = RunHoist(With({"verify", "--key", dir / "cosign.pub", "--format", "json", ref}, *registry));
  INFO(v.err);
  REQUIRE(v.exit_code == 0);
  auto payloads = nlohmann::json::parse(v.out, nullptr, false);
  REQUIRE(payloads.is_array());
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0]["critical"]["identity"]["docker-reference"] == registry->host() + "/team/app");
  CHECK(payloads[0]["optional"]["build"] == "42");

  // The signature manifest as cosign lays it out, and the signature checked by openssl alone.
  auto repo = Repo(*registry, "team/app");
  auto image = repo.GetManifest("1");
  REQUIRE(image.ok());
  const std::string tag = "sha256-" + image->digest.hex() + ".sig";
  auto sig_manifest = repo.GetManifest(tag);
  REQUIRE(sig_manifest.ok());
  auto m = Manifest::Parse(sig_manifest->bytes);
  REQUIRE(m.ok());
  CHECK(m->media_type() == kOciManifest);
  CHECK(m->config().media_type == kOciConfig);
  REQUIRE(m->layers().size() == 1);
  const Descriptor& layer = m->layers()[0];
  CHECK(layer.media_type == "application/vnd.dev.cosign.simplesigning.v1+json");
  REQUIRE(layer.annotations.count("dev.cosignproject.cosign/signature") == 1);
  registry::StringBlobSink payload;
  REQUIRE(repo.GetBlob(layer.digest, payload).ok());
  CHECK_THAT(payload.str(), Catch::Contains(image->digest.str()));
  auto der = DecodeBase64(layer.annotations.at("dev.cosignproject.cosign/signature"));
  REQUIRE(der);
  testing::WriteFile(dir / "payload", payload.str());
  testing::WriteFile(dir / "sig", *der);
  auto o = RunCommand({"openssl", "dgst", "-sha256", "-verify", dir / "cosign.pub", "-signature", dir / "sig",
                       dir / "payload"});
  INFO(o.out << o.err);
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.out, Catch::Contains("Verified OK"));

  // A second key appends a second signature; both keys verify their own.
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "second"}, kPassword).exit_code == 0);
  REQUIRE(RunHoist(With({"sign", "--key", dir / "second.key", ref}, *registry), kPassword).exit_code == 0);
  auto grown = Manifest::Parse(repo.GetManifest(tag)->bytes);
  REQUIRE(grown.ok());
  CHECK(grown->layers().size() == 2);
  CHECK(RunHoist(With({"verify", "--key", dir / "cosign.pub", ref}, *registry)).exit_code == 0);
  CHECK(RunHoist(With({"verify", "--key", dir / "second.pub", ref}, *registry)).exit_code == 0);
}

TEST_CASE("verify fails with a reason: unsigned image, wrong key, another repository") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "a"}, kPassword).exit_code == 0);
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "b"}, kPassword).exit_code == 0);
  const std::string ref = PushWithSkopeo(*registry, "two", "team/unsigned:1");

  auto none = RunHoist(With({"verify", "--key", dir / "a.pub", ref}, *registry));
  CHECK(none.exit_code == 1);
  CHECK_THAT(none.err, Catch::Contains("no signatures found"));

  REQUIRE(RunHoist(With({"sign", "--key", dir / "a.key", ref}, *registry), kPassword).exit_code == 0);
  auto wrong = RunHoist(With({"verify", "--key", dir / "b.pub", ref}, *registry));
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.err, Catch::Contains("under this key"));

  // The same manifest copied to another repository keeps its digest but not its identity.
  const std::string mirror = PushWithSkopeo(*registry, "two", "mirror/unsigned:1");
  {
    auto repo = Repo(*registry, "team/unsigned");
    auto digest = repo.GetManifest("1")->digest;
    auto sig = repo.GetManifest("sha256-" + digest.hex() + ".sig");
    REQUIRE(sig.ok());
    auto m = Manifest::Parse(sig->bytes);
    REQUIRE(m.ok());
    auto mirror_repo = Repo(*registry, "mirror/unsigned");
    for (const Descriptor& d : {m->config(), m->layers()[0]}) {
      registry::StringBlobSink blob;
      REQUIRE(repo.GetBlob(d.digest, blob).ok());
      StringReader r(blob.str());
      REQUIRE(mirror_repo.PutBlob(r, d.digest, d.size).ok());
    }
    REQUIRE(mirror_repo.PutManifest(sig->bytes, kOciManifest, "sha256-" + digest.hex() + ".sig").ok());
  }
  auto other_repo = RunHoist(With({"verify", "--key", dir / "a.pub", mirror}, *registry));
  CHECK(other_repo.exit_code == 1);
  CHECK_THAT(other_repo.err, Catch::Contains("team/unsigned"));
  CHECK(RunHoist(With({"verify", "--key", dir / "a.pub", "--insecure-ignore-reference", mirror}, *registry))
            .exit_code == 0);
}

TEST_CASE("a wrong key password is a clear error and nothing is pushed") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "k"}, kPassword).exit_code == 0);
  const std::string ref = PushWithSkopeo(*registry, "three", "team/pw:1");
  auto r = RunHoist(With({"sign", "--key", dir / "k.key", ref}, *registry), {"COSIGN_PASSWORD=wrong"});
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("wrong password"));
  CHECK_THAT(r.err, !Catch::Contains("correct horse"));
  auto tags = Repo(*registry, "team/pw").ListTags();
  REQUIRE(tags.ok());
  CHECK(tags->size() == 1);
}

TEST_CASE("sign --recursive covers a multi-platform index and each platform manifest") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "k"}, kPassword).exit_code == 0);
  auto repo = Repo(*registry, "team/multi");
  std::vector<Descriptor> children;
  for (const std::string arch : {"amd64", "arm64"}) {
    const std::string config = R"({"architecture":")" + arch + R"(","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    StringReader cr(config);
    REQUIRE(repo.PutBlob(cr, Digest::Of(config), static_cast<int64_t>(config.size())).ok());
    Manifest m(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), config), {});
    REQUIRE(repo.PutManifest(m.raw(), kOciManifest).ok());
    Descriptor d = m.ToDescriptor();
    d.platform = *Platform::Parse("linux/" + arch);
    children.push_back(d);
  }
  Index index(std::string(kOciIndex), children);
  REQUIRE(repo.PutManifest(index.raw(), kOciIndex, "v1").ok());
  const std::string ref = "docker://" + registry->host() + "/team/multi";
  auto s = RunHoist(With({"sign", "--recursive", "--key", dir / "k.key", ref + ":v1"}, *registry), kPassword);
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(RunHoist(With({"verify", "--key", dir / "k.pub", ref + ":v1"}, *registry)).exit_code == 0);
  for (const Descriptor& c : children) {
    auto v = RunHoist(With({"verify", "--key", dir / "k.pub", ref + "@" + c.digest.str()}, *registry));
    INFO(v.err);
    CHECK(v.exit_code == 0);
  }
}

TEST_CASE("sign and verify an image in an oci: layout and in the local store") {
  TempDir dir;
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "k"}, kPassword).exit_code == 0);
  WriteLayout(dir / "layout", "layout image");
  const std::string oci = "oci:" + (dir / "layout") + ":app";

  auto no_identity = RunHoist({"sign", "--key", dir / "k.key", oci}, kPassword);
  CHECK(no_identity.exit_code == 2);
  CHECK_THAT(no_identity.err, Catch::Contains("--sign-identity"));
  auto s = RunHoist({"sign", "--key", dir / "k.key", "--sign-identity", "registry.example/team/app", oci}, kPassword);
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(RunHoist({"verify", "--key", dir / "k.pub", "--sign-identity", "registry.example/team/app", oci}).exit_code == 0);
  CHECK(RunHoist({"verify", "--key", dir / "k.pub", "--sign-identity", "registry.example/team/other", oci}).exit_code ==
        1);
  // skopeo sees the signature manifest as an ordinary image named by the cosign tag.
  auto index = nlohmann::json::parse(testing::ReadFile(dir / "layout/index.json"));
  std::string sig_name;
  for (const auto& m : index["manifests"]) {
    std::string name = m["annotations"]["org.opencontainers.image.ref.name"];
    if (name.size() > 4 && name.substr(name.size() - 4) == ".sig") sig_name = name;
  }
  REQUIRE_FALSE(sig_name.empty());
  auto raw = RunCommand({"skopeo", "inspect", "--raw", "oci:" + (dir / "layout") + ":" + sig_name});
  CHECK(raw.exit_code == 0);
  CHECK_THAT(raw.out, Catch::Contains("application/vnd.dev.cosign.simplesigning.v1+json"));

  // The local store: skopeo puts the image there under its full name, hoist signs it by that name.
  auto copied = RunCommand({"skopeo", "copy", "-q", oci, "oci:" + (dir / "store") + ":localhost:5000/team/app:1"});
  REQUIRE(copied.exit_code == 0);
  const std::vector<std::string> env = {"HOIST_STORE=" + (dir / "store"), kPassword[0]};
  auto ss = RunHoist({"sign", "--key", dir / "k.key", "localhost:5000/team/app:1"}, env);
  INFO(ss.err);
  REQUIRE(ss.exit_code == 0);
  auto sv = RunHoist({"verify", "--key", dir / "k.pub", "localhost:5000/team/app:1"}, env);
  INFO(sv.err);
  CHECK(sv.exit_code == 0);
  CHECK_THAT(sv.out, Catch::Contains(R"("docker-reference":"localhost:5000/team/app")"));
}
