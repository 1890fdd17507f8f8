// The hoist CLI as a user runs it: help, usage errors and their exit codes, version, reference.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/run_command.h"

using hoist::testing::RunHoist;

TEST_CASE("hoist with no arguments prints the command list and exits 0") {
  auto r = RunHoist({});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("Commands:"));
  CHECK_THAT(r.out, Catch::Contains("version"));
  CHECK_THAT(r.out, Catch::Contains("Exit codes:"));
}

TEST_CASE("an unknown command is a usage error with exit code 2") {
  auto r = RunHoist({"frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown command \"frobnicate\""));
}

TEST_CASE("an unknown flag is a usage error naming the flag") {
  auto r = RunHoist({"version", "--no-such-flag"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("no-such-flag"));
  CHECK_THAT(r.err, Catch::Contains("hoist version --help"));
}

TEST_CASE("global flags are accepted before and after the command") {
  CHECK(RunHoist({"--format", "json", "version"}).exit_code == 0);
  CHECK(RunHoist({"version", "--format=json"}).exit_code == 0);
  CHECK(RunHoist({"--store", "/nonexistent", "-v", "version"}).exit_code == 0);
  auto bad = RunHoist({"--progress", "sideways", "version"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--progress must be"));
}

TEST_CASE("every command has --help with examples and exit codes") {
  for (const char* cmd : {"version", "reference"}) {
    INFO(cmd);
    auto r = RunHoist({cmd, "--help"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Examples:"));
    CHECK_THAT(r.out, Catch::Contains("Exit codes:"));
    auto via_help = RunHoist({"help", cmd});
    CHECK(via_help.out == r.out);
  }
}

TEST_CASE("hoist version prints the version, as JSON on request") {
  auto r = RunHoist({"version"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("hoist version "));
  auto j = RunHoist({"version", "--format", "json"});
  auto parsed = nlohmann::json::parse(j.out, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  CHECK(parsed["version"].is_string());
  CHECK(parsed["openssl"].is_string());
}

TEST_CASE("hoist reference normalizes like docker") {
  auto r = RunHoist({"reference", "--format", "json", "alpine"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["reference"] == "docker.io/library/alpine:latest");
  CHECK(j["familiar"] == "alpine:latest");
  CHECK(j["registry"] == "registry-1.docker.io");

  auto many = RunHoist({"reference", "--format", "json", "localhost:5000/x", "[::1]:5000/y:v1"});
  REQUIRE(many.exit_code == 0);
  auto arr = nlohmann::json::parse(many.out, nullptr, false);
  REQUIRE(arr.is_array());
  CHECK(arr[0]["reference"] == "localhost:5000/x:latest");
  CHECK(arr[1]["domain"] == "[::1]:5000");
}

TEST_CASE("hoist reference rejects a malformed reference with exit code 2") {
  auto r = RunHoist({"reference", "docker.io/Library/alpine"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("lowercase"));
  CHECK(RunHoist({"reference"}).exit_code == 2);
}
