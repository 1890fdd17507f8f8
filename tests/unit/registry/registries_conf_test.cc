#include "registry/config/registries_conf.h"

#include <catch2/catch.hpp>

#include "registry/config/toml_subset.h"

using namespace hoist;
using namespace hoist::registry;

namespace {

std::vector<std::string> InsecureHosts(std::string_view text) {
  auto r = ParseRegistriesConf(text, "registries.conf");
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const auto& s : *r) {
    if (s.insecure) out.push_back(s.host);
  }
  return out;
}

std::string ErrorOf(std::string_view text) {
  auto r = ParseRegistriesConf(text, "/etc/containers/registries.conf");
  REQUIRE_FALSE(r.ok());
  return r.error().message();
}

}  // namespace

TEST_CASE("registries.conf v2 [[registry]] tables name insecure hosts by location or prefix") {
  auto hosts = InsecureHosts(R"(# a comment
unqualified-search-registries = ["docker.io", "quay.io"]  # trailing comment

[[registry]]
location = "lab.example:5000"
insecure = true

[[registry]]
prefix = "*.internal.example"
location = "mirror.example"
insecure = true
blocked = false

[[registry.mirror]]
location = "other.example"
insecure = true

[[registry]]
location = 'secure.example'

[[registry]]
location = "team.example/only/this"
insecure = true
)");
  CHECK(hosts == std::vector<std::string>{"lab.example:5000", "*.internal.example"});
}

TEST_CASE("registries.conf v1 [registries.insecure] lists insecure hosts") {
  auto hosts = InsecureHosts(R"([registries.search]
registries = ['docker.io']

[registries.insecure]
registries = [
  "old.example:5000",   # one per line
  "10.0.0.5",
  "scoped.example/team",
]

[registries.block]
registries = []
)");
  CHECK(hosts == std::vector<std::string>{"old.example:5000", "10.0.0.5"});
}

TEST_CASE("registries.conf keys hoist does not use are read and ignored") {
  // shortnames.conf style: quoted keys; other value kinds; inline tables.
  auto hosts = InsecureHosts(R"(short-name-mode = "enforcing"
credential-helpers = [ "containers-auth.json" ]
[aliases]
  "almalinux" = "docker.io/library/almalinux"
  "quay.io/x" = "quay.io/x\u00e9\t"
[misc]
n = -12_000
f = 3.5e2
mirrors = [{ location = "a.example", insecure = true }, { location = "b.example" }]
nested.dotted.key = true
)");
  CHECK(hosts.empty());
}

TEST_CASE("registries.conf garbage is refused with file and line") {
  CHECK(ErrorOf("[[registry]]\nlocation = \"x\"\ninsecure = \"yes\"\n") ==
        "/etc/containers/registries.conf:3: [[registry]] insecure must be true or false");
  CHECK(ErrorOf("\n\nthis is not toml\n").rfind("/etc/containers/registries.conf:3: ", 0) == 0);
  CHECK(ErrorOf("[[registry]]\nlocation = \"x\"\nlocation = \"y\"\n") ==
        "/etc/containers/registries.conf:3: key location is defined twice");
  CHECK(ErrorOf("[a]\n[a]\n") == "/etc/containers/registries.conf:2: table [a] is defined twice");
  CHECK(ErrorOf("a = \"open\n").find(":1: the string is not closed") != std::string::npos);
  CHECK(ErrorOf("a = [1, 2\n").find(":2: the array is not closed") != std::string::npos);
  CHECK(ErrorOf("a = 1979-05-27\n").find("dates") != std::string::npos);
  CHECK(ErrorOf("a = \"\"\"x\"\"\"\n").find("multi-line") != std::string::npos);
  CHECK(ErrorOf("a = \"\\q\"\n").find("unknown escape") != std::string::npos);
  CHECK(ErrorOf("a = 1 b = 2\n").find(":1: expected the end of the line") != std::string::npos);
  CHECK(ErrorOf("[registry]\nlocation = \"x\"\n").find("[[registry]] tables") != std::string::npos);
  CHECK(ErrorOf("[[registry]]\ninsecure = true\n").find("needs a location or a prefix") != std::string::npos);
  CHECK(ErrorOf("[registries.insecure]\nregistries = \"x\"\n").find(":2: [registries.insecure] registries") !=
        std::string::npos);
  CHECK(ErrorOf("a = \"nul\x01\"\n").find("control character") != std::string::npos);
}

TEST_CASE("registries.conf nesting and size are bounded by named limits") {
  std::string deep = "a = " + std::string(kMaxTomlDepth + 1, '[') + std::string(kMaxTomlDepth + 1, ']') + "\n";
  CHECK(ErrorOf(deep).find("kMaxTomlDepth") != std::string::npos);
  std::string ok = "a = " + std::string(kMaxTomlDepth, '[') + std::string(kMaxTomlDepth, ']') + "\n";
  CHECK(ParseRegistriesConf(ok, "f").ok());
  std::string big(kMaxRegistriesConfSize + 1, '#');
  auto r = ParseRegistriesConf(big, "f");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kTooLarge);
  CHECK(r.error().message().find("kMaxRegistriesConfSize") != std::string::npos);
}

TEST_CASE("TOML subset keeps arrays of tables and their sub-tables apart") {
  auto root = ParseToml("[[r]]\nx = 1\n[[r.m]]\ny = 'a'\n[[r]]\nx = 2\n", "f");
  REQUIRE(root.ok());
  const TomlValue* r = root->Find("r");
  REQUIRE(r != nullptr);
  REQUIRE(r->items.size() == 2);
  CHECK(r->items[0].Find("m") != nullptr);
  CHECK(r->items[1].Find("m") == nullptr);
  CHECK(r->items[1].Find("x")->text == "2");
}
