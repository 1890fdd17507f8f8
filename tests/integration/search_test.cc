// `hoist search` (issue 20 §3): the catalog of a Distribution registry (no search API), and the v1
// search API where a registry offers one (a small server standing in for Docker Hub's answers).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "support/tiny_http_server.h"

using hoist::testing::RegistryVariant;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;
using hoist::testing::TinyHttpServer;
using hoist::testing::TinyResponse;

TEST_CASE("search goes through the catalog of a registry without a search API") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  TempDir dir;
  const std::vector<std::string> env = {"HOIST_STORE=" + (dir / "store")};
  const std::string host = registry->host();
  REQUIRE(RunHoist({"import", "/dev/null", "s:1"}, env).exit_code == 0);
  for (const std::string repo : {"team/alpha", "team/alps", "other/beta"}) {
    REQUIRE(RunHoist({"push", "--insecure-registry", host, "s:1", "docker://" + host + "/" + repo + ":1"}, env)
                .exit_code == 0);
  }
  auto found = RunHoist({"search", "--insecure-registry", host, host + "/ALP"}, env);
  INFO(found.err);
  REQUIRE(found.exit_code == 0);
  CHECK_THAT(found.out, Catch::StartsWith("NAME"));
  CHECK_THAT(found.out, Catch::Contains(host + "/team/alpha"));
  CHECK_THAT(found.out, Catch::Contains(host + "/team/alps"));
  CHECK(found.out.find("beta") == std::string::npos);
  auto limited = RunHoist({"search", "--limit", "1", "--format", "{{.Name}}", "--insecure-registry", host,
                           host + "/alp"},
                          env);
  CHECK(limited.out == host + "/team/alpha\n");
  auto json = RunHoist({"search", "--format", "json", "--insecure-registry", host, host + "/beta"}, env);
  auto rows = nlohmann::json::parse(json.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["Name"] == host + "/other/beta");
  CHECK(rows[0]["StarCount"] == 0);
}

TEST_CASE("search reads a v1 search API, filters it, and refuses a garbled answer") {
  std::string answer = R"({"num_results":2,"results":[
    {"name":"library/nginx","description":"Official build of Nginx, a web server and a reverse proxy","star_count":20000,"is_official":true,"is_automated":false},
    {"name":"someone/nginx-proxy","description":"","star_count":3,"is_official":false,"is_automated":true}]})";
  TinyHttpServer server([&](const hoist::testing::HttpExchange& ex) {
    TinyResponse r;
    if (ex.target.rfind("/v1/search?q=nginx&n=", 0) != 0) r.status = 404;
    else r.body = answer;
    return r;
  });
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  TempDir dir;
  const std::vector<std::string> env = {"HOIST_STORE=" + (dir / "store")};
  auto all = RunHoist({"search", "--insecure-registry", host, host + "/nginx"}, env);
  INFO(all.err);
  REQUIRE(all.exit_code == 0);
  CHECK_THAT(all.out, Catch::Contains("library/nginx"));
  CHECK_THAT(all.out, Catch::Contains("Official build of Nginx, a web server and a …"));  // cut at 45
  CHECK_THAT(all.out, Catch::Contains("[OK]"));
  auto official = RunHoist({"search", "--filter", "is-official=true", "--filter", "stars=10", "--format", "{{.Name}}",
                            "--insecure-registry", host, host + "/nginx"},
                           env);
  CHECK(official.out == "library/nginx\n");
  auto untrunc = RunHoist({"search", "--no-trunc", "--insecure-registry", host, host + "/nginx"}, env);
  CHECK_THAT(untrunc.out, Catch::Contains("a reverse proxy"));

  for (const std::string& bad : std::vector<std::string>{"not json", R"({"results": 7})", std::string(100000, '[')}) {
    answer = bad;
    auto r = RunHoist({"search", "--insecure-registry", host, host + "/nginx"}, env);
    INFO(bad.substr(0, 20));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("search answer of " + host));
  }
}

TEST_CASE("search refuses bad arguments with exit 2 before contacting anything") {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"search"},
           {"search", "a", "b"},
           {"search", "--limit", "0", "x"},
           {"search", "--limit", "101", "x"},
           {"search", "--filter", "colour=red", "x"},
           {"search", "--filter", "stars=many", "x"},
           {"search", "--filter", "is-official=maybe", "x"},
           {"search", "localhost:5000/"},
           {"search", "--format", "{{.Name", "x"}}) {
    auto r = RunHoist(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("hoist: "));
  }
}
