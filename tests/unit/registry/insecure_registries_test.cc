#include "registry/config/insecure_registries.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "support/temp_dir.h"

using namespace hoist;
using namespace hoist::registry;
using hoist::testing::TempDir;
using hoist::testing::WriteFile;

namespace {

std::vector<std::string> Load(const InsecureSources& s) {
  auto r = LoadInsecureRegistries(s);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("HOIST_INSECURE_REGISTRIES is a comma-separated list") {
  InsecureSources s;
  s.env_list = " a.example:5000, ,b.example ,a.example:5000";
  CHECK(Load(s) == std::vector<std::string>{"a.example:5000", "b.example"});
}

TEST_CASE("the hoist config file's insecure-registries are read") {
  TempDir dir;
  InsecureSources s;
  s.hoist_config = dir / "config.json";
  CHECK(Load(s).empty());  // a missing file is fine
  WriteFile(s.hoist_config, R"({"insecure-registries": ["lab.example:5000"], "other": 1})");
  CHECK(Load(s) == std::vector<std::string>{"lab.example:5000"});
  WriteFile(s.hoist_config, R"({"insecure-registries": "lab.example"})");
  auto r = LoadInsecureRegistries(s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message() == s.hoist_config + ": \"insecure-registries\" must be a list of strings");
}

TEST_CASE("registries.conf drop-ins are read in name order and may turn an entry off") {
  TempDir dir;
  InsecureSources s;
  s.registries_conf = dir / "registries.conf";
  std::filesystem::create_directories(dir / "conf.d");
  s.registries_conf_dirs = {dir / "conf.d", dir / "missing.d"};
  WriteFile(s.registries_conf, "[[registry]]\nlocation = \"a.example\"\ninsecure = true\n"
                               "[[registry]]\nlocation = \"b.example\"\ninsecure = true\n");
  WriteFile(dir / "conf.d/20-off.conf", "[[registry]]\nlocation = \"a.example\"\n");
  WriteFile(dir / "conf.d/10-on.conf", "[registries.insecure]\nregistries = [\"c.example\"]\n");
  WriteFile(dir / "conf.d/ignored.txt", "not toml at all");
  CHECK(Load(s) == std::vector<std::string>{"b.example", "c.example"});
  WriteFile(dir / "conf.d/30-bad.conf", "[[registry]\n");
  auto r = LoadInsecureRegistries(s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().rfind(dir / "conf.d/30-bad.conf:1: ", 0) == 0);
}

TEST_CASE("the user's registries.conf replaces the system one") {
  TempDir dir;
  std::filesystem::create_directories(dir / "home/.config/containers");
  WriteFile(dir / "home/.config/containers/registries.conf", "[registries.insecure]\nregistries = [\"u.example\"]\n");
  const char* old_home = std::getenv("HOME");
  std::string saved_home = old_home ? old_home : "";
  ::setenv("HOME", (dir / "home").c_str(), 1);
  ::unsetenv("XDG_CONFIG_HOME");
  ::unsetenv("CONTAINERS_REGISTRIES_CONF");
  InsecureSources s = InsecureSources::FromEnvironment();
  CHECK(s.registries_conf == dir / "home/.config/containers/registries.conf");
  CHECK(s.registries_conf_dirs == std::vector<std::string>{dir / "home/.config/containers/registries.conf.d"});
  CHECK(s.hoist_config == dir / "home/.config/hoist/config.json");
  ::setenv("CONTAINERS_REGISTRIES_CONF", (dir / "elsewhere.conf").c_str(), 1);
  ::setenv("HOIST_REGISTRIES_CONF_D", (dir / "sys.d").c_str(), 1);
  s = InsecureSources::FromEnvironment();
  CHECK(s.registries_conf == dir / "elsewhere.conf");
  CHECK(s.registries_conf_dirs.front() == dir / "sys.d");
  ::unsetenv("CONTAINERS_REGISTRIES_CONF");
  ::unsetenv("HOIST_REGISTRIES_CONF_D");
  ::setenv("HOME", saved_home.c_str(), 1);
}
