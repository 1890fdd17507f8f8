// Token auth over time and in logs: a token that expires in the middle of a chunked upload is
// replaced and the upload finishes; `hoist --debug` of an authenticated operation shows no
// password, no token and no Authorization value.

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "core/base64.h"
#include "integration/registry_fault_support.h"
#include "registry/auth/scope.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "support/token_issuer.h"

using namespace hoist;
using namespace hoist::registry;
using namespace hoist::testing;

namespace {

constexpr const char* kRepo = "refresh/app";
constexpr const char* kUser = "alice";
constexpr const char* kPassword = "correct horse battery staple";
constexpr uint64_t kMiB = 1 << 20;

std::unique_ptr<TokenIssuer> MakeIssuer() {
  auto issuer = std::make_unique<TokenIssuer>();
  issuer->AddUser(kUser, kPassword);
  issuer->Allow(kUser, "*", {"pull", "push", "delete"});
  return issuer;
}

}  // namespace

TEST_CASE("a token that expires in the middle of a chunked upload is refreshed and the upload finishes") {
  auto issuer = MakeIssuer();
  auto registry = Registry::Start(RegistryVariant::kToken, issuer->registry_options());
  if (!registry) {
    WARN("SKIPPED: " << Registry::MissingMessage());
    return;
  }
  issuer->SetLifetime(std::chrono::seconds(2));
  FaultProxy proxy(registry->host());
  ProxyStackOptions options;
  options.credential = Credential{kUser, kPassword, ""};
  options.scopes = PushScopes(kRepo);
  auto http = std::make_shared<ProxyStack>(proxy.host(), options);
  Repository repo = OpenAt(proxy.url(), http, kRepo);

  const uint64_t size = 6 * kMiB + 5, seed = 77;
  PatternBlob content(size, seed);
  size_t tokens_at_pause = 0;
  Status s = repo.PutBlobChunked(
      content, PatternBlob::DigestOf(size, seed), size,
      {.chunk_size = kMiB, .on_progress = [&](const UploadSession& session) {
         if (session.offset == 2 * kMiB) {  // half way: let the token run out
           tokens_at_pause = issuer->token_requests();
           std::this_thread::sleep_for(std::chrono::milliseconds(3500));
         }
       }});
  INFO(Describe(s));
  REQUIRE(s.ok());
  CHECK(tokens_at_pause >= 1);
  CHECK(issuer->token_requests() > tokens_at_pause);
  // The registry refused the old token on a PATCH, and the same chunk went again.
  bool refused_patch = false;
  for (const auto& ex : proxy.exchanges()) refused_patch |= ex.method == "PATCH" && ex.status == 401;
  CHECK(refused_patch);
  ExpectPatternBlob(repo, size, seed);
}

TEST_CASE("hoist --debug with token auth shows no password, token or Authorization value") {
  auto issuer = MakeIssuer();
  auto registry = Registry::Start(RegistryVariant::kToken, issuer->registry_options());
  if (!registry) {
    WARN("SKIPPED: " << Registry::MissingMessage());
    return;
  }
  // Something to look at and delete, pushed with the library.
  ProxyStackOptions options;
  options.credential = Credential{kUser, kPassword, ""};
  options.scopes = PushScopes(kRepo);
  Repository repo = OpenAt(registry->url(), std::make_shared<ProxyStack>(registry->host(), options), kRepo);
  const std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  StringReader config_reader(config);
  REQUIRE(repo.PutBlob(config_reader, Digest::Of(config), static_cast<int64_t>(config.size())).ok());
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{)"
      R"("mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      Digest::Of(config).str() + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
  REQUIRE(repo.PutManifest(manifest, "application/vnd.oci.image.manifest.v1+json", "v1").ok());

  TempDir home;
  WriteFile(home / "config.json", R"({"auths":{")" + registry->host() + R"(":{"auth":")" +
                                      EncodeBase64(std::string(kUser) + ":" + kPassword) + R"("}}})");
  std::vector<std::string> env = {"DOCKER_CONFIG=" + home.path(), "REGISTRY_AUTH_FILE=",
                                  "XDG_RUNTIME_DIR=" + home.path() + "/run"};
  const std::string ref = "docker://" + registry->host() + "/" + kRepo;
  const size_t tokens_before = issuer->token_requests();
  std::string err;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--debug", "tags", ref}, {"--debug", "inspect", ref + ":v1"},
        {"--debug", "delete", ref + ":v1"}}) {
    args.insert(args.end(), {"--insecure-registry", registry->host()});
    CommandResult r = RunHoist(args, env);
    INFO(args[1] << ": " << r.err);
    CHECK(r.exit_code == 0);
    err += r.err + r.out;
  }
  REQUIRE(issuer->token_requests() > tokens_before);  // the CLI really went through the token flow
  CHECK_THAT(err, !Catch::Contains(kPassword));
  CHECK_THAT(err, !Catch::Contains(EncodeBase64(std::string(kUser) + ":" + kPassword)));
  CHECK_THAT(err, !Catch::Contains("Authorization:"));
  CHECK_THAT(err, !Catch::Contains("Bearer ey"));
  for (const std::string& token : issuer->issued_tokens()) {
    CHECK_THAT(err, !Catch::Contains(token.substr(token.rfind('.') + 1)));  // the signature
    CHECK_THAT(err, !Catch::Contains(token.substr(0, token.find('.', token.find('.') + 1))));
  }
}
