#include "core/image_config.h"

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using namespace hoist;
using Json = nlohmann::ordered_json;

namespace {

std::string Testdata(const std::string& name) {
  return hoist::testing::ReadFile(std::string(HOIST_SOURCE_DIR) + "/testdata/manifests/" + name);
}

}  // namespace

TEST_CASE("a Docker-built image config parses with its history") {
  std::string raw = Testdata("image_config.json");
  auto c = ImageConfig::Parse(raw);
  REQUIRE(c.ok());
  CHECK(c->raw() == raw);
  CHECK(c->digest() == Digest::Of(raw));
  CHECK(c->platform().str() == "linux/amd64");
  CHECK(c->created() == "2024-03-08T10:21:40.123456789Z");
  REQUIRE(c->config().has_value());
  const ContainerConfig& cc = *c->config();
  CHECK(cc.user == "app");
  CHECK(cc.env.size() == 2);
  CHECK(cc.entrypoint == std::vector<std::string>{"/usr/local/bin/docker-entrypoint.sh"});
  CHECK(cc.cmd == std::vector<std::string>{"serve", "--port", "8080"});
  CHECK(cc.working_dir == "/srv/app");
  CHECK(cc.labels.at("org.opencontainers.image.version") == "1.4.2");
  CHECK(cc.exposed_ports == std::set<std::string>{"8080/tcp"});
  CHECK(cc.volumes == std::set<std::string>{"/srv/app/data"});
  CHECK(cc.stop_signal == "SIGQUIT");
  CHECK(cc.extra.contains("Healthcheck"));
  CHECK(cc.extra.contains("OnBuild"));

  REQUIRE(c->diff_ids().size() == 3);
  REQUIRE(c->history().size() == 7);
  size_t non_empty = 0;
  for (const auto& h : c->history()) non_empty += h.empty_layer ? 0 : 1;
  CHECK(non_empty == c->diff_ids().size());
  CHECK(c->history()[1].empty_layer);
  CHECK(c->history()[4].author == "ops@example.com");
  CHECK(c->history()[2].comment == "buildkit.dockerfile.v0");
}

TEST_CASE("CheckLayers compares diff_ids with the manifest's layer count") {
  auto c = ImageConfig::Parse(Testdata("image_config.json"));
  REQUIRE(c.ok());
  CHECK(c->CheckLayers(3).ok());
  auto st = c->CheckLayers(2);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("3 layer diff_ids but the manifest has 2 layers"));
}

TEST_CASE("a modified config keeps unknown fields and key order") {
  auto c = ImageConfig::Parse(Testdata("image_config.json"));
  REQUIRE(c.ok());
  ContainerConfig cc = *c->config();
  cc.cmd = std::vector<std::string>{"serve"};
  cc.labels["org.example.rebuilt"] = "yes";
  c->set_config(cc);
  c->AddLayer(Digest::Of("new layer"), HistoryEntry{"2024-04-01T00:00:00Z", "COPY extra /x", "", "", true, {}});
  c->AddEmptyLayerHistory(HistoryEntry{"2024-04-01T00:00:01Z", "ENV A=b", "", "", false, {}});

  auto back = ImageConfig::Parse(c->raw());
  REQUIRE(back.ok());
  const Json& doc = back->json();
  CHECK(doc["docker_version"] == "24.0.7");
  CHECK(doc["container_config"]["Hostname"] == "5f0b7c9d1e2a");
  CHECK(doc["config"]["Healthcheck"]["Interval"] == 30000000000LL);
  CHECK(doc["config"]["Domainname"] == "");
  CHECK(doc["config"].begin().key() == "Hostname");
  CHECK(doc.begin().key() == "architecture");
  CHECK(back->config()->cmd == std::vector<std::string>{"serve"});
  CHECK(back->config()->labels.at("org.example.rebuilt") == "yes");
  REQUIRE(back->diff_ids().size() == 4);
  CHECK(back->diff_ids()[3] == Digest::Of("new layer"));
  REQUIRE(back->history().size() == 9);
  CHECK_FALSE(back->history()[7].empty_layer);
  CHECK(back->history()[8].empty_layer);
  CHECK(back->CheckLayers(4).ok());
}

TEST_CASE("a new config for a platform serialises and parses back") {
  ImageConfig c(Platform::Parse("linux/arm64/v8").value());
  ContainerConfig cc;
  cc.entrypoint = std::vector<std::string>{};  // explicitly cleared
  cc.env = {"PATH=/bin"};
  c.set_config(cc);
  c.set_created("2024-04-01T00:00:00Z");
  auto back = ImageConfig::Parse(c.raw());
  REQUIRE(back.ok());
  CHECK(back->platform().str() == "linux/arm64/v8");
  CHECK(back->created() == "2024-04-01T00:00:00Z");
  REQUIRE(back->config()->entrypoint.has_value());
  CHECK(back->config()->entrypoint->empty());
  CHECK_FALSE(back->config()->cmd.has_value());
  CHECK(back->diff_ids().empty());
  CHECK(back->CheckLayers(0).ok());
}

TEST_CASE("Docker's string form of Entrypoint and Cmd and null fields are accepted") {
  auto c = ImageConfig::Parse(R"({"architecture":"amd64","os":"linux","config":{"Entrypoint":"/bin/sh","Cmd":null,
    "Env":null,"Labels":null,"Volumes":null},"rootfs":{"type":"layers"}})");
  REQUIRE(c.ok());
  CHECK(c->config()->entrypoint == std::vector<std::string>{"/bin/sh"});
  CHECK_FALSE(c->config()->cmd.has_value());
  CHECK(c->diff_ids().empty());
}

TEST_CASE("invalid configs are refused with messages naming the field") {
  struct Case {
    const char* what;
    void (*mutate)(Json&);
    const char* message;
  };
  const Case cases[] = {
      {"rootfs type", [](Json& j) { j["rootfs"]["type"] = "overlay"; }, "rootfs.type: must be \"layers\""},
      {"missing rootfs", [](Json& j) { j.erase("rootfs"); }, "rootfs: missing"},
      {"bad diff_id", [](Json& j) { j["rootfs"]["diff_ids"][1] = "sha256:xyz"; }, "rootfs.diff_ids[1]: invalid digest"},
      {"diff_ids not strings", [](Json& j) { j["rootfs"]["diff_ids"][0] = 1; }, "rootfs.diff_ids[0]: must be a string"},
      {"missing os", [](Json& j) { j.erase("os"); }, "os: missing"},
      {"architecture number", [](Json& j) { j["architecture"] = 64; }, "architecture: must be a string"},
      {"env not strings", [](Json& j) { j["config"]["Env"] = Json::array({1}); }, "config.Env[0]: must be a string"},
      {"history not array", [](Json& j) { j["history"] = "x"; }, "history: must be an array"},
      {"empty_layer string", [](Json& j) { j["history"][2]["empty_layer"] = "true"; },
       "history[2].empty_layer: must be a boolean"},
      {"labels not strings", [](Json& j) { j["config"]["Labels"]["n"] = 2; }, "config.Labels.\"n\": must be a string"},
      {"exposed ports not object", [](Json& j) { j["config"]["ExposedPorts"] = Json::array(); },
       "config.ExposedPorts: must be an object"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    Json j = Json::parse(Testdata("image_config.json"));
    c.mutate(j);
    auto r = ImageConfig::Parse(j.dump());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message(), Catch::StartsWith("image config: "));
    CHECK_THAT(r.error().message(), Catch::Contains(c.message));
  }
}

TEST_CASE("configs over the size limit are refused before parsing") {
  std::string raw = Testdata("image_config.json");
  raw.append(kMaxConfigSize + 1 - raw.size(), '\n');
  auto c = ImageConfig::Parse(raw);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code() == ErrorCode::kTooLarge);
}

TEST_CASE("clearing an already empty field leaves the document's empty value in place") {
  auto c = ImageConfig::Parse(
      R"({"architecture":"amd64","os":"linux","author":"","history":[],"config":{"Env":null,"User":"x"},
          "rootfs":{"type":"layers","diff_ids":[]}})");
  REQUIRE(c.ok());
  c->set_author("");
  c->set_history({});
  ContainerConfig cc = *c->config();
  cc.user.clear();
  c->set_config(cc);
  const Json& doc = c->json();
  CHECK(doc.contains("author"));
  CHECK(doc.contains("history"));
  CHECK(doc["config"].contains("Env"));       // null says nothing, so it may stay
  CHECK_FALSE(doc["config"].contains("User"));  // a real value that was cleared goes
  c->set_author("someone");
  c->set_author("");
  CHECK_FALSE(c->json().contains("author"));
}
