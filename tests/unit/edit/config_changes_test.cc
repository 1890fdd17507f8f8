// Parsing mutate's flag values and applying them to a config.

#include <catch2/catch.hpp>

#include "edit/config_changes.h"

using namespace hoist;
using namespace hoist::edit;

TEST_CASE("KEY=VALUE flags keep '=' in the value and refuse a missing key") {
  auto kv = ParseKeyValue("a=b=c", "--label");
  REQUIRE(kv.ok());
  CHECK(kv->first == "a");
  CHECK(kv->second == "b=c");
  CHECK(ParseKeyValue("a=", "--label")->second.empty());
  auto bad = ParseKeyValue("novalue", "--label");
  REQUIRE(!bad.ok());
  CHECK_THAT(bad.error().message(), Catch::Contains("--label takes KEY=VALUE"));
  CHECK(!ParseKeyValue("=x", "--env").ok());
}

TEST_CASE("KEY=VALUE flags take a bare KEY as empty only where allowed (build), and never a KEY with spaces") {
  auto bare = ParseKeyValue("org.example.flag", "--label", /*bare_key=*/true);
  REQUIRE(bare.ok());
  CHECK(bare->first == "org.example.flag");
  CHECK(bare->second.empty());
  CHECK(!ParseKeyValue("=x", "--label", true).ok());
  auto spaced = ParseKeyValue("a b=c", "--annotation", true);
  REQUIRE(!spaced.ok());
  CHECK_THAT(spaced.error().message(), Catch::Contains("--annotation takes KEY=VALUE with a KEY without spaces"));
  CHECK(!ParseKeyValue("a\tb=c", "--label").ok());
  CHECK(ParseKeyValue("a=b c", "--label")->second == "b c");  // the value may hold spaces
}

TEST_CASE("entrypoint and cmd take a JSON array or comma-separated words, and empty clears") {
  CHECK(*ParseCommandList(R"(["sh", "-c", "a, b"])", "--cmd") == std::vector<std::string>{"sh", "-c", "a, b"});
  CHECK(*ParseCommandList("sh,-c,x", "--cmd") == std::vector<std::string>{"sh", "-c", "x"});
  CHECK(ParseCommandList("", "--cmd")->empty());
  CHECK(ParseCommandList("[]", "--cmd")->empty());
  CHECK(!ParseCommandList("[1, 2]", "--entrypoint").ok());
  CHECK(!ParseCommandList("[\"unterminated", "--entrypoint").ok());
}

TEST_CASE("exposed ports default to tcp and refuse bad numbers and protocols") {
  CHECK(*ParsePort("80") == "80/tcp");
  CHECK(*ParsePort("053/udp") == "53/udp");
  CHECK(*ParsePort("9/sctp") == "9/sctp");
  CHECK(!ParsePort("0").ok());
  CHECK(!ParsePort("65536").ok());
  CHECK(!ParsePort("80/icmp").ok());
  CHECK(!ParsePort("http").ok());
  CHECK(!ParsePort("").ok());
}

TEST_CASE("created takes RFC 3339 as written or Unix seconds, and nothing else") {
  CHECK(*ParseCreated("0") == "1970-01-01T00:00:00Z");
  CHECK(*ParseCreated("1700000000") == "2023-11-14T22:13:20Z");
  CHECK(*ParseCreated("2024-01-02T03:04:05.123+02:00") == "2024-01-02T03:04:05.123+02:00");
  CHECK(!ParseCreated("2024-13-02T03:04:05Z").ok());
  CHECK(!ParseCreated("2024-01-02 03:04:05Z").ok());
  CHECK(!ParseCreated("yesterday").ok());
  CHECK(!ParseCreated("99999999999999999999").ok());
}

TEST_CASE("config changes replace an env variable in place, add labels and ports, keep unknown fields") {
  auto config = ImageConfig::Parse(
      R"({"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin","A=1"],"Labels":{"keep":"me"},)"
      R"("Healthcheck":{"Test":["NONE"]}},"rootfs":{"type":"layers","diff_ids":[]},)"
      R"("history":[{"created_by":"x","empty_layer":true}],"x-unknown":1})");
  REQUIRE(config.ok());
  ConfigChanges c;
  c.env = {{"PATH", "/usr/bin"}, {"B", "2"}};
  c.labels = {{"new", "v"}};
  c.exposed_ports = {"80/tcp"};
  c.entrypoint = std::vector<std::string>{};
  c.user = "1000";
  c.created = "1970-01-01T00:00:00Z";
  c.platform = *Platform::Parse("linux/arm64/v8");
  c.drop_history = true;
  ApplyConfigChanges(c, *config);
  const ContainerConfig& cc = *config->config();
  CHECK(cc.env == std::vector<std::string>{"PATH=/usr/bin", "A=1", "B=2"});
  CHECK(cc.labels.at("keep") == "me");
  CHECK(cc.labels.at("new") == "v");
  CHECK(cc.exposed_ports.count("80/tcp"));
  REQUIRE(cc.entrypoint);
  CHECK(cc.entrypoint->empty());
  CHECK(cc.user == "1000");
  CHECK(config->created() == "1970-01-01T00:00:00Z");
  CHECK(config->architecture() == "arm64");
  CHECK(config->variant() == "v8");
  CHECK(config->history().empty());
  CHECK_THAT(config->raw(), Catch::Contains("\"x-unknown\":1"));
  CHECK_THAT(config->raw(), Catch::Contains("Healthcheck"));
}
