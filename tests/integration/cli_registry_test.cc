// The registry commands as a user runs them, against the real registry: tags, catalog, inspect,
// delete, login and logout.

#include <sys/stat.h>

#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/descriptor.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "registry/client/repository.h"
#include "registry/http/curl_client.h"
#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using namespace hoist;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::RunHoist;

namespace {

// Pushes a one-layer image with the library, so the CLI has something to look at.
Digest SeedImage(const Registry& reg, const std::string& repo_name, const std::vector<std::string>& tags) {
  registry::HttpClientOptions http;
  http.tls.ca_file = reg.ca_file();
  auto repo = registry::Repository::Open(std::make_shared<registry::CurlClient>(http), reg.url(), repo_name);
  REQUIRE(repo.ok());
  const std::string config =
      R"({"architecture":"amd64","os":"linux","created":"2026-01-02T03:04:05Z",)"
      R"("config":{"Env":["PATH=/bin"],"Labels":{"team":"platform"}},)"
      R"("rootfs":{"type":"layers","diff_ids":["sha256:)" + Digest::Of("layer-tar").hex() + R"("]}})";
  const std::string layer = "layer-bytes-" + repo_name;
  StringReader config_reader(config), layer_reader(layer);
  REQUIRE(repo->PutBlob(config_reader, Digest::Of(config), static_cast<int64_t>(config.size())).ok());
  REQUIRE(repo->PutBlob(layer_reader, Digest::Of(layer), static_cast<int64_t>(layer.size())).ok());
  Descriptor c = Descriptor::For(std::string(kOciConfig), config);
  Descriptor l = Descriptor::For(std::string(kOciLayerGzip), layer);
  Manifest m(std::string(kOciManifest), c, {l});
  Digest d = Digest::Of(m.raw());
  for (const auto& t : tags) REQUIRE(repo->PutManifest(m.raw(), kOciManifest, t).ok());
  return d;
}

std::vector<std::string> Insecure(const Registry& reg) { return {"--insecure-registry", reg.host()}; }

std::vector<std::string> Args(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace

TEST_CASE("hoist tags lists every tag across pages") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  SeedImage(*registry, "team/app", {"v1", "v2", "v3", "latest", "edge"});
  auto r = RunHoist(Args({"tags", "--page-size", "2", "docker://" + registry->host() + "/team/app"},
                         Insecure(*registry)));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // The registry's order is kept; every tag appears exactly once.
  std::vector<std::string> lines;
  for (size_t at = 0, nl; (nl = r.out.find('\n', at)) != std::string::npos; at = nl + 1) {
    lines.push_back(r.out.substr(at, nl - at));
  }
  std::sort(lines.begin(), lines.end());
  CHECK(lines == std::vector<std::string>{"edge", "latest", "v1", "v2", "v3"});
  auto j = RunHoist(Args({"tags", "--format", "json", registry->host() + "/team/app"}, Insecure(*registry)));
  auto parsed = nlohmann::json::parse(j.out, nullptr, false);
  REQUIRE(parsed.is_object());
  CHECK(parsed["Tags"].size() == 5);
}

TEST_CASE("hoist tags of an unknown repository exits 3 with the registry's message") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  auto r = RunHoist(Args({"tags", "docker://" + registry->host() + "/no/such"}, Insecure(*registry)));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("NAME_UNKNOWN"));
}

TEST_CASE("hoist catalog lists repositories") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  SeedImage(*registry, "a/one", {"1"});
  SeedImage(*registry, "b/two", {"1"});
  auto r = RunHoist(Args({"catalog", "docker://" + registry->host()}, Insecure(*registry)));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "a/one\nb/two\n");
  // A loopback registry needs no flag; other hosts are never downgraded without one
  // (cli_local_registry_test.cc).
}

TEST_CASE("hoist inspect summarizes like skopeo and --raw keeps the digest") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);
  Digest d = SeedImage(*registry, "team/app", {"v1"});
  std::string ref = "docker://" + registry->host() + "/team/app:v1";
  auto r = RunHoist({"inspect", "--ca-file", registry->ca_file(), ref});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["Digest"] == d.str());
  CHECK(j["Architecture"] == "amd64");
  CHECK(j["Labels"]["team"] == "platform");
  CHECK(j["RepoTags"] == nlohmann::json::array({"v1"}));
  CHECK(j["Layers"].size() == 1);

  auto raw = RunHoist({"inspect", "--raw", "--ca-file", registry->ca_file(), ref});
  REQUIRE(raw.exit_code == 0);
  CHECK(Digest::Of(raw.out) == d);
  auto config = RunHoist({"inspect", "--config", "--ca-file", registry->ca_file(), ref});
  CHECK_THAT(config.out, Catch::Contains("\"diff_ids\""));

  // Without the CA the certificate is not trusted.
  auto untrusted = RunHoist({"inspect", ref});
  CHECK(untrusted.exit_code == 6);
}

TEST_CASE("hoist delete removes a manifest, deleting it again is not found") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  SeedImage(*registry, "team/app", {"old"});
  std::string ref = "docker://" + registry->host() + "/team/app:old";
  auto r = RunHoist(Args({"delete", ref}, Insecure(*registry)));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(RunHoist(Args({"inspect", ref}, Insecure(*registry))).exit_code == 3);
  CHECK(RunHoist(Args({"delete", ref}, Insecure(*registry))).exit_code == 3);
}

TEST_CASE("hoist login checks the password before saving and logout removes it") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kHtpasswd);
  hoist::testing::TempDir home;
  std::vector<std::string> env = {"DOCKER_CONFIG=" + home.path(), "REGISTRY_AUTH_FILE=",
                                  "XDG_RUNTIME_DIR=" + home.path() + "/run"};
  auto base = Args({"login", registry->host(), "-u", registry->user(), "--password-stdin"}, Insecure(*registry));

  auto wrong = RunHoist(base, env, "not-the-password\n");
  CHECK(wrong.exit_code == 4);
  CHECK_THAT(wrong.err, Catch::Contains("login to " + registry->host()));
  CHECK_THAT(wrong.err, !Catch::Contains("not-the-password"));
  struct stat st {};
  CHECK(::stat((home / "config.json").c_str(), &st) != 0);  // nothing saved

  // Before login, the registry refuses us.
  CHECK(RunHoist(Args({"tags", registry->host() + "/x"}, Insecure(*registry)), env).exit_code == 4);

  auto ok = RunHoist(base, env, registry->password() + "\n");
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains("Login Succeeded"));
  REQUIRE(::stat((home / "config.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // Saved credentials are used: the repository is unknown (3), not unauthorized (4).
  CHECK(RunHoist(Args({"tags", registry->host() + "/x"}, Insecure(*registry)), env).exit_code == 3);

  // --debug never shows the password or the Authorization value.
  auto debug = RunHoist(Args({"--debug", "tags", registry->host() + "/x"}, Insecure(*registry)), env);
  CHECK_THAT(debug.err, !Catch::Contains(registry->password()));
  CHECK_THAT(debug.err, !Catch::Contains(EncodeBase64(registry->user() + ":" + registry->password())));
  CHECK_THAT(debug.err, !Catch::Contains("Authorization:"));

  auto out = RunHoist(Args({"logout", registry->host()}, Insecure(*registry)), env);
  CHECK(out.exit_code == 0);
  CHECK_THAT(hoist::testing::ReadFile(home / "config.json"), !Catch::Contains(registry->user() + ":"));
  CHECK(RunHoist(Args({"tags", registry->host() + "/x"}, Insecure(*registry)), env).exit_code == 4);
}
