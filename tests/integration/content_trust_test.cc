// Content trust on the moving commands: pull, copy and push checking cosign signatures under
// --verify-key, a containers-policy.json file and HOIST_CONTENT_TRUST/DOCKER_CONTENT_TRUST, push
// signing what it sent, and signatures kept through save/load — against the real registry.

#include <filesystem>

#include <catch2/catch.hpp>

#include "integration/sign_test_support.h"
#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using namespace hoist;
using hoist::testing::kPassword;
using hoist::testing::PushWithSkopeo;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::With;

namespace {

struct Keys {
  std::string good_pub, good_key, other_pub;
};

Keys MakeKeys(const TempDir& dir) {
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "good"}, kPassword).exit_code == 0);
  REQUIRE(RunHoist({"key", "generate", "--output-key-prefix", dir / "other"}, kPassword).exit_code == 0);
  return {dir / "good.pub", dir / "good.key", dir / "other.pub"};
}

std::vector<std::string> Env(const TempDir& dir, std::vector<std::string> more = {}) {
  more.push_back("HOIST_STORE=" + (dir / "store"));
  more.push_back(kPassword[0]);
  return more;
}

// What `hoist images` lists for the store in `dir`.
std::string StoreImages(const TempDir& dir) {
  auto r = RunHoist({"images"}, Env(dir));
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("pull and copy check --verify-key before anything moves, a refused image leaves nothing") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Keys keys = MakeKeys(dir);
  const std::string host = registry->host();
  const std::string signed_ref = PushWithSkopeo(*registry, "signed", "trust/signed:1");
  PushWithSkopeo(*registry, "unsigned", "trust/unsigned:1");
  REQUIRE(RunHoist(With({"sign", "--key", keys.good_key, signed_ref}, *registry), kPassword).exit_code == 0);

  auto ok = RunHoist(With({"pull", "--verify-key", keys.good_pub, host + "/trust/signed:1"}, *registry), Env(dir));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(StoreImages(dir), Catch::Contains(host + "/trust/signed"));

  auto unsigned_pull =
      RunHoist(With({"pull", "--verify-key", keys.good_pub, host + "/trust/unsigned:1"}, *registry), Env(dir));
  CHECK(unsigned_pull.exit_code == 4);
  CHECK_THAT(unsigned_pull.err, Catch::Contains("no signatures found"));
  CHECK_THAT(StoreImages(dir), !Catch::Contains("trust/unsigned"));

  auto wrong_key =
      RunHoist(With({"copy", "--verify-key", keys.other_pub, signed_ref, "oci:" + (dir / "layout") + ":x"}, *registry),
               Env(dir));
  CHECK(wrong_key.exit_code == 4);
  CHECK_THAT(wrong_key.err, Catch::Contains("under this key"));
  CHECK_FALSE(std::filesystem::exists(dir / "layout/index.json"));

  auto both = RunHoist(With({"pull", "--verify-key", keys.good_pub, "--policy", dir / "p.json", host + "/x:1"}, *registry),
                       Env(dir));
  CHECK(both.exit_code == 2);
}

TEST_CASE("a containers-policy.json file is enforced by scope, as skopeo reads it") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Keys keys = MakeKeys(dir);
  const std::string host = registry->host();
  const std::string signed_ref = PushWithSkopeo(*registry, "p-signed", "policy/signed:1");
  const std::string unsigned_ref = PushWithSkopeo(*registry, "p-unsigned", "policy/unsigned:1");
  const std::string open_ref = PushWithSkopeo(*registry, "p-open", "open/anything:1");
  REQUIRE(RunHoist(With({"sign", "--key", keys.good_key, signed_ref}, *registry), kPassword).exit_code == 0);
  // keyPath relative to the policy file, as containers-policy.json(5) says.
  testing::WriteFile(dir / "policy.json", R"({"default":[{"type":"reject"}],"transports":{"docker":{")" + host +
                                              R"(/policy":[{"type":"sigstoreSigned","keyPath":"good.pub"}],")" + host +
                                              R"(/open":[{"type":"insecureAcceptAnything"}]}}})");
  auto copy = [&](const std::string& from, const std::string& name) {
    return RunHoist(With({"copy", "--policy", dir / "policy.json", from, "oci:" + (dir / "layout") + ":" + name},
                         *registry),
                    Env(dir));
  };
  auto ok = copy(signed_ref, "signed");
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(copy(open_ref, "open").exit_code == 0);
  auto refused = copy(unsigned_ref, "unsigned");
  CHECK(refused.exit_code == 4);
  CHECK_THAT(refused.err, Catch::Contains("policy (" + host + "/policy)"));
  auto elsewhere = copy(PushWithSkopeo(*registry, "p-else", "elsewhere/x:1"), "else");
  CHECK(elsewhere.exit_code == 4);
  CHECK_THAT(elsewhere.err, Catch::Contains("rejected"));

  // Signatures travelled into the layout with the image: it verifies there.
  auto there = RunHoist({"verify", "--key", keys.good_pub, "--sign-identity", host + "/policy/signed",
                         "oci:" + (dir / "layout") + ":signed"},
                        Env(dir));
  INFO(there.err);
  CHECK(there.exit_code == 0);

  testing::WriteFile(dir / "bad.json", R"({"default":[{"type":"signedBy","keyType":"GPGKeys"}]})");
  auto bad = RunHoist(With({"copy", "--policy", dir / "bad.json", signed_ref, "oci:" + (dir / "l2") + ":x"}, *registry),
                      Env(dir));
  CHECK(bad.exit_code != 0);
  CHECK_FALSE(std::filesystem::exists(dir / "l2"));
}

TEST_CASE("HOIST_CONTENT_TRUST and DOCKER_CONTENT_TRUST refuse unsigned pulls and make push sign") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Keys keys = MakeKeys(dir);
  const std::string host = registry->host();
  const std::string signed_ref = PushWithSkopeo(*registry, "ct-signed", "ct/signed:1");
  PushWithSkopeo(*registry, "ct-unsigned", "ct/unsigned:1");
  REQUIRE(RunHoist(With({"sign", "--key", keys.good_key, signed_ref}, *registry), kPassword).exit_code == 0);
  // A policy that accepts anything is not enough under content trust.
  testing::WriteFile(dir / "open.json", R"({"default":[{"type":"insecureAcceptAnything"}]})");

  for (const char* var : {"HOIST_CONTENT_TRUST=1", "DOCKER_CONTENT_TRUST=1"}) {
    auto r = RunHoist(With({"pull", "--policy", dir / "open.json", host + "/ct/unsigned:1"}, *registry),
                      Env(dir, {var}));
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("content trust"));
  }
  CHECK(RunHoist(With({"pull", "--policy", dir / "open.json", host + "/ct/unsigned:1"}, *registry),
                 Env(dir, {"HOIST_CONTENT_TRUST=0"}))
            .exit_code == 0);
  CHECK(RunHoist(With({"pull", host + "/ct/unsigned:1"}, *registry), Env(dir, {"HOIST_CONTENT_TRUST=perhaps"}))
            .exit_code == 2);

  auto trusted = RunHoist(With({"pull", "--verify-key", keys.good_pub, host + "/ct/signed:1"}, *registry),
                          Env(dir, {"HOIST_CONTENT_TRUST=1"}));
  INFO(trusted.err);
  REQUIRE(trusted.exit_code == 0);

  // Push under content trust signs; without a key it refuses before sending anything.
  const std::string dest = "docker://" + host + "/ct/pushed:1";
  auto no_key = RunHoist(With({"push", host + "/ct/signed:1", dest}, *registry), Env(dir, {"HOIST_CONTENT_TRUST=1"}));
  CHECK(no_key.exit_code == 2);
  CHECK_THAT(no_key.err, Catch::Contains("--sign-key"));
  auto pushed = RunHoist(With({"push", host + "/ct/signed:1", dest}, *registry),
                         Env(dir, {"HOIST_CONTENT_TRUST=1", "HOIST_SIGN_KEY=" + keys.good_key}));
  INFO(pushed.err);
  REQUIRE(pushed.exit_code == 0);
  // The new signature names the destination repository (the one carried along names ct/signed).
  auto verified = RunHoist(With({"verify", "--key", keys.good_pub, "--format", "json", dest}, *registry));
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Catch::Contains(host + "/ct/pushed"));
}

TEST_CASE("signatures go through save --format oci-archive and load, and verify on the other side") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  Keys keys = MakeKeys(dir);
  const std::string host = registry->host();
  const std::string ref = PushWithSkopeo(*registry, "saved", "saved/app:1");
  REQUIRE(RunHoist(With({"sign", "--key", keys.good_key, ref}, *registry), kPassword).exit_code == 0);
  REQUIRE(RunHoist(With({"pull", host + "/saved/app:1"}, *registry), Env(dir)).exit_code == 0);

  auto saved = RunHoist({"save", "--format", "oci-archive", "-o", dir / "app.tar", host + "/saved/app:1"}, Env(dir));
  INFO(saved.err);
  REQUIRE(saved.exit_code == 0);
  const std::vector<std::string> other = {"HOIST_STORE=" + (dir / "other")};
  auto loaded = RunHoist({"load", "-i", dir / "app.tar"}, other);
  INFO(loaded.err);
  REQUIRE(loaded.exit_code == 0);
  CHECK(loaded.out == "Loaded image: " + host + "/saved/app:1\n");  // the signature is no image of its own
  auto verified = RunHoist({"verify", "--key", keys.good_pub, host + "/saved/app:1"}, other);
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(RunHoist({"verify", "--key", keys.other_pub, host + "/saved/app:1"}, other).exit_code == 1);
  // `images` hides signature manifests as docker hides attestations; --all shows them.
  auto listed = RunHoist({"images"}, other);
  CHECK(listed.out.find(".sig") == std::string::npos);
  CHECK(RunHoist({"images", "--all"}, other).out.find(".sig") != std::string::npos);

  // A single-image loader finds the one image without a name: index.json lists only the image.
  auto index = hoist::testing::RunCommand({"tar", "-xOf", dir / "app.tar", "index.json"});
  REQUIRE(index.exit_code == 0);
  CHECK(nlohmann::json::parse(index.out)["manifests"].size() == 1);
  auto skopeo = hoist::testing::RunCommand({"skopeo", "inspect", "--raw", "oci-archive:" + (dir / "app.tar")});
  INFO(skopeo.err);
  CHECK(skopeo.exit_code == 0);
  // The signatures travel on from the archive to a registry, where cosign's tag holds them.
  auto copied = RunHoist(With({"copy", "oci-archive:" + (dir / "app.tar"), "docker://" + host + "/saved/copied:1"},
                              *registry),
                         other);
  INFO(copied.err);
  REQUIRE(copied.exit_code == 0);
  auto remote = RunHoist(With({"verify", "--insecure-ignore-reference", "--key", keys.good_pub, "docker://" + host + "/saved/copied:1"}, *registry));
  INFO(remote.err);
  CHECK(remote.exit_code == 0);

  // Without signatures, the loaded image has none.
  REQUIRE(RunHoist({"save", "--format", "oci-archive", "--no-signatures", "-o", dir / "bare.tar",
                    host + "/saved/app:1"},
                   Env(dir))
              .exit_code == 0);
  const std::vector<std::string> third = {"HOIST_STORE=" + (dir / "third")};
  REQUIRE(RunHoist({"load", "-i", dir / "bare.tar"}, third).exit_code == 0);
  CHECK(RunHoist({"verify", "--key", keys.good_pub, host + "/saved/app:1"}, third).exit_code == 1);

  // A docker archive cannot hold them, and says so.
  auto docker = RunHoist({"save", "-o", dir / "docker.tar", host + "/saved/app:1"}, Env(dir));
  CHECK(docker.exit_code == 0);
  CHECK_THAT(docker.err, Catch::Contains("cannot carry signatures"));
}
