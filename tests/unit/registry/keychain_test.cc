#include "registry/auth/keychain.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "registry/auth/docker_config.h"
#include "support/temp_dir.h"
#include "unit/registry/fake_credential_helper.h"

using hoist::ErrorCode;
using hoist::registry::Credential;
using hoist::registry::DockerServerAddress;
using hoist::registry::Keychain;
using hoist::registry::KeychainOptions;
using hoist::registry::NormalizeRegistryHost;
using hoist::testing::PathGuard;
using hoist::testing::ReadFile;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;
using hoist::testing::WriteHelperScript;
using json = nlohmann::json;

namespace {

// base64("alice:pw1") and friends.
constexpr const char* kAlicePw1 = "YWxpY2U6cHcx";
constexpr const char* kBobPw2 = "Ym9iOnB3Mg==";
constexpr const char* kCarolPw3 = "Y2Fyb2w6cHcz";

// A sandbox: docker config dir, an XDG runtime dir and an auth file path, all inside a temp dir.
struct Sandbox {
  TempDir dir;
  KeychainOptions options;
  Sandbox() {
    std::filesystem::create_directories(dir / "docker");
    std::filesystem::create_directories(dir / "run/containers");
    options.docker_config_dir = dir / "docker";
    options.xdg_runtime_dir = dir / "run";
  }
  std::string DockerConfig() const { return dir / "docker/config.json"; }
  std::string XdgAuth() const { return dir / "run/containers/auth.json"; }
  std::string AuthFile() const { return dir / "auth.json"; }
  Keychain Make() const { return Keychain(options); }
};

std::optional<Credential> MustGet(const Keychain& k, const std::string& host) {
  auto got = k.Get(host);
  INFO((got.ok() ? std::string() : got.error().ToString()));
  REQUIRE(got.ok());
  return *got;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("registry host keys are normalized the way docker spells them") {
  CHECK(NormalizeRegistryHost("https://index.docker.io/v1/") == "docker.io");
  CHECK(NormalizeRegistryHost("index.docker.io") == "docker.io");
  CHECK(NormalizeRegistryHost("registry-1.docker.io") == "docker.io");
  CHECK(NormalizeRegistryHost("http://Reg.Example.com:5000/v1/") == "reg.example.com:5000");
  CHECK(NormalizeRegistryHost("HTTPS://quay.io") == "quay.io");
  CHECK(DockerServerAddress("docker.io") == "https://index.docker.io/v1/");
  CHECK(DockerServerAddress("localhost:5000") == "localhost:5000");
}

TEST_CASE("no credentials files means anonymous access") {
  Sandbox sb;
  CHECK_FALSE(MustGet(sb.Make(), "registry.example.com").has_value());
}

TEST_CASE("config.json auth entries decode base64 user:password") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), std::string(R"({"auths":{"registry.example.com":{"auth":")") + kAlicePw1 + R"("}}})");
  auto c = MustGet(sb.Make(), "registry.example.com");
  REQUIRE(c.has_value());
  CHECK(c->username == "alice");
  CHECK(c->password == "pw1");
  CHECK_FALSE(MustGet(sb.Make(), "other.example.com").has_value());
}

TEST_CASE("config.json keys with a scheme and a path match the bare host") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), std::string(R"({"auths":{
    "https://one.example.com":{"auth":")") + kAlicePw1 + R"("},
    "http://two.example.com:5000/v1/":{"auth":")" + kBobPw2 + R"("},
    "three.example.com/some/repo":{"auth":")" + kCarolPw3 + R"("}}})");
  Keychain k = sb.Make();
  CHECK(MustGet(k, "one.example.com")->username == "alice");
  CHECK(MustGet(k, "two.example.com:5000")->username == "bob");
  // A containers-style per-repository key is not a login for the whole host.
  CHECK_FALSE(MustGet(k, "three.example.com").has_value());
}

TEST_CASE("docker.io finds the https://index.docker.io/v1/ entry and the other way round") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(),
            std::string(R"({"auths":{"https://index.docker.io/v1/":{"auth":")") + kAlicePw1 + R"("}}})");
  CHECK(MustGet(sb.Make(), "docker.io")->username == "alice");
  CHECK(MustGet(sb.Make(), "index.docker.io")->username == "alice");
  WriteFile(sb.DockerConfig(), std::string(R"({"auths":{"docker.io":{"auth":")") + kBobPw2 + R"("}}})");
  CHECK(MustGet(sb.Make(), "registry-1.docker.io")->username == "bob");
}

TEST_CASE("an exact key wins over a differently spelled one for the same host") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), std::string(R"({"auths":{"https://reg.example.com":{"auth":")") + kBobPw2 +
                                   R"("},"reg.example.com":{"auth":")" + kAlicePw1 + R"("}}})");
  CHECK(MustGet(sb.Make(), "reg.example.com")->username == "alice");
}

TEST_CASE("username and password fields are read when there is no auth field") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), R"({"auths":{"reg.example.com":{"username":"u","password":"p"}}})");
  auto c = MustGet(sb.Make(), "reg.example.com");
  REQUIRE(c.has_value());
  CHECK(c->username == "u");
  CHECK(c->password == "p");
}

TEST_CASE("identitytoken is returned as the OAuth refresh token") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(),
            R"({"auths":{"reg.example.com":{"auth":"dXNlcjo=","identitytoken":"refresh-abc"}}})");
  auto c = MustGet(sb.Make(), "reg.example.com");
  REQUIRE(c.has_value());
  CHECK(c->identity_token == "refresh-abc");
  CHECK(c->username == "user");
  CHECK(c->password.empty());
}

TEST_CASE("an empty auths entry is no credential") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), R"({"auths":{"reg.example.com":{}}})");
  CHECK_FALSE(MustGet(sb.Make(), "reg.example.com").has_value());
  WriteFile(sb.DockerConfig(), "");
  CHECK_FALSE(MustGet(sb.Make(), "reg.example.com").has_value());
}

TEST_CASE("REGISTRY_AUTH_FILE comes first, then XDG_RUNTIME_DIR's auth.json, then docker's config") {
  Sandbox sb;
  sb.options.auth_file = sb.AuthFile();
  WriteFile(sb.AuthFile(), std::string(R"({"auths":{"a.example.com":{"auth":")") + kAlicePw1 + R"("}}})");
  WriteFile(sb.XdgAuth(), std::string(R"({"auths":{"a.example.com":{"auth":")") + kBobPw2 +
                              R"("},"b.example.com":{"auth":")" + kBobPw2 + R"("}}})");
  WriteFile(sb.DockerConfig(), std::string(R"({"auths":{"a.example.com":{"auth":")") + kCarolPw3 +
                                   R"("},"b.example.com":{"auth":")" + kCarolPw3 +
                                   R"("},"c.example.com":{"auth":")" + kCarolPw3 + R"("}}})");
  Keychain k = sb.Make();
  CHECK(MustGet(k, "a.example.com")->username == "alice");
  CHECK(MustGet(k, "b.example.com")->username == "bob");
  CHECK(MustGet(k, "c.example.com")->username == "carol");
  CHECK(k.SearchPath() == std::vector<std::string>{sb.AuthFile(), sb.XdgAuth(), sb.DockerConfig()});
}

TEST_CASE("bad base64 in auth is an error naming the file and the host, not the secret") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), R"({"auths":{"reg.example.com":{"auth":"hunter2-is-my-password!!"}}})");
  auto got = sb.Make().Get("reg.example.com");
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code() == ErrorCode::kParse);
  const std::string m = got.error().ToString();
  CHECK_THAT(m, Catch::Contains(sb.DockerConfig()));
  CHECK_THAT(m, Catch::Contains("reg.example.com"));
  CHECK_THAT(m, Catch::Contains("base64"));
  CHECK_THAT(m, !Catch::Contains("hunter2"));
}

TEST_CASE("an auth field without a colon is an error that does not reveal it") {
  Sandbox sb;
  // base64("hunter2")
  WriteFile(sb.DockerConfig(), R"({"auths":{"reg.example.com":{"auth":"aHVudGVyMg=="}}})");
  auto got = sb.Make().Get("reg.example.com");
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error().message(), Catch::Contains("user:password"));
  CHECK_THAT(got.error().message(), !Catch::Contains("hunter2"));
  CHECK_THAT(got.error().message(), !Catch::Contains("aHVudGVyMg"));
}

TEST_CASE("a config file that is not JSON is an error that does not echo its content") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), R"({"auths":{"reg.example.com":{"password":"hunter2")");
  auto got = sb.Make().Get("reg.example.com");
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code() == ErrorCode::kParse);
  CHECK_THAT(got.error().message(), Catch::Contains(sb.DockerConfig()));
  CHECK_THAT(got.error().message(), Catch::Contains("not valid JSON"));
  CHECK_THAT(got.error().message(), !Catch::Contains("hunter2"));
}

TEST_CASE("config fields of the wrong shape are errors naming the field") {
  struct Case {
    const char* doc;
    const char* why;
  };
  for (Case c : {Case{R"({"auths":[]})", "\"auths\" must be an object"},
                 Case{R"({"credsStore":1})", "\"credsStore\" must be a string"},
                 Case{R"({"credHelpers":{"reg.example.com":true}})", "credHelpers entry"},
                 Case{R"({"auths":{"reg.example.com":"hunter2"}})", "is not an object"},
                 Case{R"({"auths":{"reg.example.com":{"password":["hunter2"]}}})", "\"password\" field"},
                 Case{R"([1,2])", "not a JSON object"}}) {
    INFO(c.doc);
    Sandbox sb;
    WriteFile(sb.DockerConfig(), c.doc);
    auto got = sb.Make().Get("reg.example.com");
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().code() == ErrorCode::kParse);
    CHECK_THAT(got.error().message(), Catch::Contains(c.why));
    CHECK_THAT(got.error().message(), !Catch::Contains("hunter2"));
  }
}

TEST_CASE("Store writes config.json with mode 0600 and keeps every other field") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), R"({
	"auths": {
		"other.example.com": {"auth": "Ym9iOnB3Mg==", "email": "bob@example.com"},
		"reg.example.com": {"auth": "b2xkOm9sZA==", "email": "keep@example.com"}
	},
	"HttpHeaders": {"User-Agent": "Docker-Client/24"},
	"psFormat": "table {{.ID}}",
	"proxies": {"default": {"httpProxy": "http://proxy:3128"}},
	"plugins": {"x": {"enabled": true, "n": 1.5}}
})");
  ::chmod(sb.DockerConfig().c_str(), 0644);
  REQUIRE(sb.Make().Store("reg.example.com", Credential{"alice", "pw1", ""}).ok());
  CHECK(ModeOf(sb.DockerConfig()) == 0600);

  json doc = json::parse(ReadFile(sb.DockerConfig()));
  CHECK(doc["auths"]["reg.example.com"]["auth"] == kAlicePw1);
  CHECK(doc["auths"]["reg.example.com"]["email"] == "keep@example.com");
  CHECK(doc["auths"]["other.example.com"]["auth"] == kBobPw2);
  CHECK(doc["auths"]["other.example.com"]["email"] == "bob@example.com");
  CHECK(doc["HttpHeaders"]["User-Agent"] == "Docker-Client/24");
  CHECK(doc["psFormat"] == "table {{.ID}}");
  CHECK(doc["proxies"]["default"]["httpProxy"] == "http://proxy:3128");
  CHECK(doc["plugins"]["x"]["n"] == 1.5);
  CHECK(MustGet(sb.Make(), "reg.example.com")->password == "pw1");
}

TEST_CASE("Store creates the config directory and file when missing") {
  Sandbox sb;
  sb.options.docker_config_dir = sb.dir / "new/.docker";
  REQUIRE(sb.Make().Store("docker.io", Credential{"alice", "pw1", ""}).ok());
  std::string path = sb.dir / "new/.docker/config.json";
  CHECK(ModeOf(path) == 0600);
  json doc = json::parse(ReadFile(path));
  // Docker Hub is stored under the key docker itself uses.
  CHECK(doc["auths"]["https://index.docker.io/v1/"]["auth"] == kAlicePw1);
  CHECK(MustGet(sb.Make(), "docker.io")->username == "alice");
  // No temp files left behind.
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(sb.dir / "new/.docker")) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("Store keeps the spelling of an existing key and replaces its credential") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(),
            std::string(R"({"auths":{"https://reg.example.com":{"auth":")") + kBobPw2 + R"("}}})");
  REQUIRE(sb.Make().Store("reg.example.com", Credential{"alice", "pw1", "tok"}).ok());
  json doc = json::parse(ReadFile(sb.DockerConfig()));
  CHECK(doc["auths"].size() == 1);
  CHECK(doc["auths"]["https://reg.example.com"]["auth"] == kAlicePw1);
  CHECK(doc["auths"]["https://reg.example.com"]["identitytoken"] == "tok");
}

TEST_CASE("Store refuses to overwrite a broken config file") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), "{broken");
  auto st = sb.Make().Store("reg.example.com", Credential{"alice", "pw1", ""});
  REQUIRE_FALSE(st.ok());
  CHECK(ReadFile(sb.DockerConfig()) == "{broken");
}

TEST_CASE("Store follows a symlinked config.json") {
  Sandbox sb;
  std::string target = sb.dir / "real-config.json";
  WriteFile(target, R"({"psFormat":"x"})");
  REQUIRE(::symlink(target.c_str(), sb.DockerConfig().c_str()) == 0);
  REQUIRE(sb.Make().Store("reg.example.com", Credential{"alice", "pw1", ""}).ok());
  CHECK(std::filesystem::is_symlink(sb.DockerConfig()));
  json doc = json::parse(ReadFile(target));
  CHECK(doc["psFormat"] == "x");
  CHECK(doc["auths"]["reg.example.com"]["auth"] == kAlicePw1);
}

TEST_CASE("Erase removes a login from config.json and keeps the rest") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), std::string(R"({"auths":{"reg.example.com":{"auth":")") + kAlicePw1 +
                                   R"("},"other.example.com":{"auth":")" + kBobPw2 + R"("}},"psFormat":"x"})");
  auto erased = sb.Make().Erase("reg.example.com");
  REQUIRE(erased.ok());
  CHECK(*erased);
  CHECK_FALSE(MustGet(sb.Make(), "reg.example.com").has_value());
  CHECK(MustGet(sb.Make(), "other.example.com")->username == "bob");
  CHECK(json::parse(ReadFile(sb.DockerConfig()))["psFormat"] == "x");
  auto again = sb.Make().Erase("reg.example.com");
  REQUIRE(again.ok());
  CHECK_FALSE(*again);
}

TEST_CASE("a credHelpers helper stores, gets and erases, and config.json never holds the secret") {
  Sandbox sb;
  WriteHelperScript(sb.dir, "test", hoist::testing::kFakeCredentialHelper);
  PathGuard path(sb.dir.path());
  WriteFile(sb.DockerConfig(), std::string(R"({"credHelpers":{"reg.example.com":"test"},
    "auths":{"reg.example.com":{"auth":")") + kCarolPw3 + R"(","email":"c@example.com"}}})");
  Keychain k = sb.Make();
  REQUIRE(k.Store("reg.example.com", Credential{"alice", "helper-secret-pw", ""}).ok());

  std::string config = ReadFile(sb.DockerConfig());
  CHECK_THAT(config, !Catch::Contains("helper-secret-pw"));
  CHECK_THAT(config, !Catch::Contains(kCarolPw3));  // the old plaintext secret is gone too
  CHECK_THAT(config, Catch::Contains("c@example.com"));
  CHECK_THAT(config, Catch::Contains("credHelpers"));
  CHECK_THAT(ReadFile(sb.dir / "helper-store/argv.log"), !Catch::Contains("helper-secret-pw"));

  auto c = MustGet(k, "reg.example.com");
  REQUIRE(c.has_value());
  CHECK(c->username == "alice");
  CHECK(c->password == "helper-secret-pw");

  auto erased = k.Erase("reg.example.com");
  REQUIRE(erased.ok());
  CHECK(*erased);
  CHECK_FALSE(MustGet(k, "reg.example.com").has_value());
}

TEST_CASE("credsStore serves every host and a host's credHelpers entry wins over it") {
  Sandbox sb;
  WriteHelperScript(sb.dir, "test", hoist::testing::kFakeCredentialHelper);
  // The store answers for everything; if it were asked about reg.example.com the test would fail.
  WriteHelperScript(sb.dir, "store",
                    "#!/bin/sh\nread url\n[ \"$1\" = get ] || exit 0\n"
                    "echo \"{\\\"Username\\\":\\\"from-store\\\",\\\"Secret\\\":\\\"s\\\"}\"\n");
  PathGuard path(sb.dir.path());
  WriteFile(sb.DockerConfig(), R"({"credsStore":"store","credHelpers":{"reg.example.com":"test"}})");
  Keychain k = sb.Make();
  REQUIRE(k.Store("reg.example.com", Credential{"alice", "pw1", ""}).ok());
  CHECK(MustGet(k, "reg.example.com")->username == "alice");
  CHECK(MustGet(k, "any.example.com")->username == "from-store");
  CHECK_THAT(ReadFile(sb.DockerConfig()), !Catch::Contains("pw1"));
}

TEST_CASE("a helper's not-found answer falls back to the auths entry, else anonymous") {
  Sandbox sb;
  WriteHelperScript(sb.dir, "test", hoist::testing::kFakeCredentialHelper);
  PathGuard path(sb.dir.path());
  WriteFile(sb.DockerConfig(), std::string(R"({"credsStore":"test","auths":{"reg.example.com":{"auth":")") +
                                   kAlicePw1 + R"("}}})");
  Keychain k = sb.Make();
  CHECK(MustGet(k, "reg.example.com")->username == "alice");
  CHECK_FALSE(MustGet(k, "other.example.com").has_value());
}

TEST_CASE("Docker Hub is asked of a helper as https://index.docker.io/v1/") {
  Sandbox sb;
  WriteHelperScript(sb.dir, "test", hoist::testing::kFakeCredentialHelper);
  PathGuard path(sb.dir.path());
  WriteFile(sb.DockerConfig(), R"({"credsStore":"test"})");
  REQUIRE(sb.Make().Store("docker.io", Credential{"alice", "pw1", ""}).ok());
  CHECK(std::filesystem::exists(sb.dir / "helper-store/https___index.docker.io_v1_"));
  CHECK(MustGet(sb.Make(), "index.docker.io")->username == "alice");
}

TEST_CASE("a configured helper that is not installed is an error") {
  Sandbox sb;
  WriteFile(sb.DockerConfig(), R"({"credsStore":"hoist-not-installed"})");
  auto got = sb.Make().Get("reg.example.com");
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error().ToString(), Catch::Contains("docker-credential-hoist-not-installed"));
  CHECK_THAT(got.error().ToString(), Catch::Contains("reg.example.com"));
}

TEST_CASE("keychain options default from the environment") {
  struct EnvGuard {
    std::string name;
    std::optional<std::string> old;
    EnvGuard(std::string n, const char* value) : name(std::move(n)) {
      if (const char* v = std::getenv(name.c_str())) old = v;
      if (value) {
        ::setenv(name.c_str(), value, 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
    ~EnvGuard() {
      if (old) {
        ::setenv(name.c_str(), old->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  };
  {
    EnvGuard a("DOCKER_CONFIG", "/d"), b("REGISTRY_AUTH_FILE", "/a.json"), c("XDG_RUNTIME_DIR", "/run/u");
    KeychainOptions o = KeychainOptions::FromEnvironment();
    CHECK(o.docker_config_dir == "/d");
    CHECK(o.auth_file == "/a.json");
    CHECK(o.xdg_runtime_dir == "/run/u");
  }
  {
    EnvGuard a("DOCKER_CONFIG", nullptr), b("HOME", "/home/x"), c("REGISTRY_AUTH_FILE", nullptr);
    KeychainOptions o = KeychainOptions::FromEnvironment();
    CHECK(o.docker_config_dir == "/home/x/.docker");
    CHECK(o.auth_file.empty());
  }
}
