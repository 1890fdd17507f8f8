// Local registries (issue 20 §1): loopback registries need no flag when they speak plain HTTP,
// TLS ones stay verified, other hosts need --insecure-registry or one of the config sources, and
// the error for a plain-HTTP server on https says so.

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>

#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using hoist::testing::CommandResult;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::RunCommand;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

// An environment that reads no insecure registries from this machine's files or variables.
struct Env {
  TempDir home;
  std::vector<std::string> vars() const {
    return {"HOME=" + home.path(), "XDG_CONFIG_HOME=" + home.path() + "/config",
            "CONTAINERS_REGISTRIES_CONF=" + home.path() + "/registries.conf",
            "HOIST_REGISTRIES_CONF_D=" + home.path() + "/registries.conf.d", "HOIST_INSECURE_REGISTRIES=",
            "HOIST_STORE=" + home.path() + "/store", "DOCKER_CONFIG=" + home.path() + "/docker"};
  }
  std::vector<std::string> with(const std::string& more) const {
    auto v = vars();
    const std::string name = more.substr(0, more.find('=') + 1);
    std::erase_if(v, [&](const std::string& e) { return e.rfind(name, 0) == 0; });  // replace, not add
    v.push_back(more);
    return v;
  }
};

// A one-file image in the store, named `name`.
void ImportImage(const Env& env, const std::string& name) {
  WriteFile(env.home / "f", "hello\n");
  REQUIRE(RunCommand({"tar", "-C", env.home.path(), "-cf", env.home / "root.tar", "f"}).exit_code == 0);
  CommandResult r = RunHoist({"import", env.home / "root.tar", name}, env.vars());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// This machine's host name when it resolves to 127.0.0.1 (a name that is not loopback by itself).
std::optional<std::string> NameForLoopback() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return std::nullopt;
  std::string name = buf;
  if (name == "localhost") return std::nullopt;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  if (::getaddrinfo(name.c_str(), nullptr, &hints, &res) != 0) return std::nullopt;
  bool loopback = true;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    auto* in = reinterpret_cast<sockaddr_in*>(a->ai_addr);
    if (in->sin_addr.s_addr != htonl(INADDR_LOOPBACK)) loopback = false;
  }
  ::freeaddrinfo(res);
  return loopback ? std::optional<std::string>(name) : std::nullopt;
}

bool SkipExternal(const Registry& reg) {
  if (!reg.external()) return false;
  WARN("SKIPPED: HOIST_TEST_REGISTRY is not a loopback registry started by the test");
  return true;
}

}  // namespace

TEST_CASE("push and pull to a plain-HTTP registry on 127.0.0.1 and localhost need no flag") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  if (SkipExternal(*registry)) return;
  Env env;
  ImportImage(env, "app:1");
  for (std::string host : {registry->host(), "localhost:" + std::to_string(registry->port())}) {
    INFO(host);
    const std::string ref = host + "/app:1";
    REQUIRE(RunHoist({"tag", "app:1", ref}, env.vars()).exit_code == 0);
    CommandResult push = RunHoist({"push", "--progress=none", ref}, env.vars());
    INFO(push.err);
    CHECK(push.exit_code == 0);
    REQUIRE(RunHoist({"rmi", ref}, env.vars()).exit_code == 0);
    CommandResult pull = RunHoist({"pull", "--progress=none", ref}, env.vars());
    INFO(pull.err);
    CHECK(pull.exit_code == 0);
  }
}

TEST_CASE("a TLS registry on 127.0.0.1 is still verified and never downgraded") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);
  Env env;
  CommandResult unverified = RunHoist({"catalog", registry->host()}, env.vars());
  CHECK(unverified.exit_code == 6);
  CHECK_THAT(unverified.err, Catch::Contains("--ca-file"));
  CHECK_THAT(unverified.err, !Catch::Contains("plain HTTP"));
  CommandResult verified = RunHoist({"catalog", "--ca-file", registry->ca_file(), registry->host()}, env.vars());
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
}

TEST_CASE("a TLS registry named insecure is used over https without verification, never downgraded") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);
  if (SkipExternal(*registry)) return;
  Env env;
  ImportImage(env, "app:1");
  const std::string host = registry->host();
  const std::string ref = host + "/insecure-tls/app:1";
  REQUIRE(RunHoist({"tag", "app:1", ref}, env.vars()).exit_code == 0);
  // Named on the command line: the registry's self-signed certificate is not checked, and -v shows
  // (-vv) hoist chose https after its probe (a plain-http fallback would fail: the port speaks only TLS).
  CommandResult push = RunHoist({"-vv", "push", "--progress=none", "--insecure-registry", host, ref}, env.vars());
  INFO(push.err);
  CHECK(push.exit_code == 0);
  CHECK_THAT(push.err, Catch::Contains("registry " + host + ": using https"));
  // Named in registries.conf or the environment: the same.
  WriteFile(env.home / "registries.conf", "[[registry]]\nlocation = \"" + host + "\"\ninsecure = true\n");
  CommandResult tags = RunHoist({"tags", host + "/insecure-tls/app"}, env.vars());
  INFO(tags.err);
  CHECK(tags.exit_code == 0);
  CHECK_THAT(tags.out, Catch::Contains("1"));
  REQUIRE(RunHoist({"rmi", ref}, env.vars()).exit_code == 0);
  CommandResult pull = RunHoist({"pull", "--progress=none", ref}, env.with("HOIST_INSECURE_REGISTRIES=" + host));
  INFO(pull.err);
  CHECK(pull.exit_code == 0);
}

TEST_CASE("a plain-HTTP registry named insecure falls back to http after the https probe") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  if (SkipExternal(*registry)) return;
  Env env;
  CommandResult r = RunHoist({"-vv", "catalog", "--insecure-registry", registry->host(), registry->host()}, env.vars());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("registry " + registry->host() + ": using http"));
}

TEST_CASE("a plain-HTTP registry under another name needs to be named insecure and the error says how") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  if (SkipExternal(*registry)) return;
  auto name = NameForLoopback();
  if (!name) {
    WARN("SKIPPED: this machine's host name does not resolve to 127.0.0.1 only");
    return;
  }
  const std::string host = *name + ":" + std::to_string(registry->port());
  Env env;
  const std::vector<std::string> catalog = {"catalog", host};

  CommandResult strict = RunHoist(catalog, env.vars());
  CHECK(strict.exit_code == 6);
  CHECK_THAT(strict.err, Catch::Contains(host + " speaks plain HTTP, not HTTPS"));
  CHECK_THAT(strict.err, Catch::Contains("--insecure-registry " + host));

  // One registry for every source (a registry start costs more than these commands).
  CHECK(RunHoist({"catalog", "--insecure-registry", host, host}, env.vars()).exit_code == 0);
  CHECK(RunHoist(catalog, env.with("HOIST_INSECURE_REGISTRIES=other.example," + host)).exit_code == 0);

  std::filesystem::create_directories(env.home / "config/hoist");
  WriteFile(env.home / "config/hoist/config.json", R"({"insecure-registries": [")" + host + R"("]})");
  CHECK(RunHoist(catalog, env.vars()).exit_code == 0);
  std::filesystem::remove(env.home / "config/hoist/config.json");

  WriteFile(env.home / "registries.conf", "[[registry]]\nlocation = \"" + host + "\"\ninsecure = true\n");
  CHECK(RunHoist(catalog, env.vars()).exit_code == 0);
  std::filesystem::remove(env.home / "registries.conf");

  std::filesystem::create_directories(env.home / "registries.conf.d");
  WriteFile(env.home / "registries.conf.d/50-lab.conf", "[registries.insecure]\nregistries = [\"" + host + "\"]\n");
  CHECK(RunHoist(catalog, env.vars()).exit_code == 0);
  std::filesystem::remove(env.home / "registries.conf.d/50-lab.conf");

  CHECK(RunHoist(catalog, env.vars()).exit_code == 6);  // each source was what allowed it

  // A malformed registries.conf is an error naming file and line.
  WriteFile(env.home / "registries.conf", "[[registry]]\nlocation = \"" + host + "\"\ninsecure = maybe\n");
  CommandResult bad = RunHoist(catalog, env.vars());
  CHECK(bad.exit_code != 0);
  CHECK_THAT(bad.err, Catch::Contains(env.home / "registries.conf:3: "));
}

TEST_CASE("run pulls an image the store lacks with pull's registry rules") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  if (SkipExternal(*registry)) return;
  Env env;
  ImportImage(env, "app:1");
  const std::string ref = "localhost:" + std::to_string(registry->port()) + "/run/app:1";
  REQUIRE(RunHoist({"tag", "app:1", ref}, env.vars()).exit_code == 0);
  REQUIRE(RunHoist({"push", "--progress=none", ref}, env.vars()).exit_code == 0);
  REQUIRE(RunHoist({"rmi", ref}, env.vars()).exit_code == 0);

  CommandResult never = RunHoist({"run", "--rm", "--pull=never", ref, "/f"}, env.vars());
  CHECK(never.exit_code == 3);
  CHECK(RunHoist({"inspect", ref}, env.vars()).exit_code != 0);
  CHECK(RunHoist({"run", "--rm", "--pull=sometimes", ref, "/f"}, env.vars()).exit_code == 2);
  // The image's only file is not executable: what matters is that it was pulled first.
  CommandResult run = RunHoist({"run", "--rm", "--progress=none", ref, "/f"}, env.vars());
  INFO(run.err);
  CHECK(RunHoist({"inspect", ref}, env.vars()).exit_code == 0);
}

TEST_CASE("run and build accept the registry flags pull accepts") {
  for (const char* cmd : {"run", "build"}) {
    INFO(cmd);
    CommandResult r = RunHoist({cmd, "--help"});
    CHECK(r.exit_code == 0);
    for (const char* flag : {"--insecure-registry", "--tls-verify", "--ca-file", "--cert-dir", "--retries"}) {
      CHECK_THAT(r.out, Catch::Contains(flag));
    }
  }
}
