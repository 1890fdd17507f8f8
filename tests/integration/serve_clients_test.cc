// hoist serve (issue 23) with real clients: token authentication with hoist as the client and a
// token issuer made in the test, a `mirror run --to dir:` bundle served, a multi-platform index,
// skopeo sync, and slow clients.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "integration/serve_test_support.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "support/token_issuer.h"

using hoist::serve_test::Http;
using hoist::serve_test::HttpResult;
using hoist::serve_test::ServeProcess;
using hoist::testing::CommandResult;
using hoist::testing::ReadFile;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::TokenIssuer;
using hoist::testing::WriteFile;

namespace {

// A client with a store and docker config of its own.
struct Client {
  TempDir home;
  std::vector<std::string> env() const {
    return {"HOME=" + home.path(), "XDG_CONFIG_HOME=" + home.path() + "/config", "HOIST_STORE=" + store(),
            "DOCKER_CONFIG=" + home.path() + "/docker", "HOIST_INSECURE_REGISTRIES="};
  }
  std::string store() const { return home / "store"; }
  CommandResult Hoist(const std::vector<std::string>& args) const { return RunHoist(args, env()); }
  void Login(const std::string& host, const std::string& user, const std::string& password) const {
    RunCommand({"mkdir", "-p", home / "docker"});
    nlohmann::json config = {{"auths", {{host, {{"auth", hoist::EncodeBase64(user + ":" + password)}}}}}};
    WriteFile(home / "docker/config.json", config.dump());
  }
  void Import(const std::string& name, const std::string& content) const {
    WriteFile(home / "f", content);
    REQUIRE(RunCommand({"tar", "-C", home.path(), "-cf", home / "root.tar", "f"}).exit_code == 0);
    CommandResult r = Hoist({"import", home / "root.tar", name});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
};

std::string NamedDigest(const std::string& layout, const std::string& ref_name) {
  auto index = nlohmann::json::parse(ReadFile(layout + "/index.json"));
  for (const auto& m : index["manifests"]) {
    if (m.contains("annotations") && m["annotations"].value("org.opencontainers.image.ref.name", "") == ref_name) {
      return m["digest"].get<std::string>();
    }
  }
  return "";
}

}  // namespace

TEST_CASE("serve: token auth lets a push token push and pull, and refuses a push to a pull-only token") {
  TokenIssuer issuer;
  issuer.AddUser("alice", "alice-pw");
  issuer.AddUser("bob", "bob-pw");
  issuer.Allow("alice", "*", {"pull", "push"});
  issuer.Allow("bob", "*", {"pull"});
  TempDir tmp;
  ServeProcess s({tmp / "r", "--auth-token-realm", issuer.realm(), "--auth-token-service", TokenIssuer::kService,
                  "--auth-token-issuer", TokenIssuer::kIssuer, "--auth-token-rootcertbundle", issuer.cert_file()});

  HttpResult anonymous = Http("POST", s.url() + "/v2/team/app/blobs/uploads/");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.Header("www-authenticate") == "Bearer realm=\"" + issuer.realm() + "\",service=\"" +
                                                    TokenIssuer::kService +
                                                    "\",scope=\"repository:team/app:pull,push\"");
  CHECK(Http("GET", s.url() + "/v2/", {"-H", "Authorization: Bearer e30.e30.AA"}).body.find("malformed_token") !=
        std::string::npos);

  Client alice, bob;
  alice.Login(s.host(), "alice", "alice-pw");
  bob.Login(s.host(), "bob", "bob-pw");
  alice.Import("localhost/app:1", "token-authenticated\n");
  const std::string digest = NamedDigest(alice.store(), "localhost/app:1");
  CommandResult push = alice.Hoist({"push", "localhost/app:1", "docker://" + s.host() + "/team/app:1"});
  INFO(push.err << s.log());
  REQUIRE(push.exit_code == 0);
  CHECK(issuer.last_claims().find(R"("actions":["pull","push"])") != std::string::npos);

  CommandResult pull = bob.Hoist({"pull", s.host() + "/team/app:1"});
  INFO(pull.err);
  REQUIRE(pull.exit_code == 0);
  CHECK(NamedDigest(bob.store(), s.host() + "/team/app:1") == digest);

  CommandResult refused = bob.Hoist({"push", s.host() + "/team/app:1", "docker://" + s.host() + "/team/bob:1"});
  CHECK(refused.exit_code != 0);
  INFO(refused.err);
  CHECK(refused.err.find("does not grant repository:team/bob:push") != std::string::npos);
  CHECK(NamedDigest(tmp / "r", "team/bob:1").empty());
  CHECK(s.log().find(" alice [") != std::string::npos);
}
