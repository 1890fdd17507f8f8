// pull refuses an image whose config the rest of hoist would refuse (nested too deep, invalid UTF-8,
// a lone surrogate escape, a duplicate key) before anything is stored or named — against the real
// registry, the config pushed as is with the registry client.

#include <catch2/catch.hpp>

#include "core/descriptor.h"
#include "core/manifest.h"
#include "core/media_types.h"
#include "registry/client/repository.h"
#include "registry/http/curl_client.h"
#include "support/registry_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using namespace hoist;
using hoist::testing::Registry;
using hoist::testing::RegistryVariant;
using hoist::testing::RunHoist;
using hoist::testing::TempDir;

namespace {

// Pushes `config` (bytes as given) with one layer whose diff_id it names, tagged repo:1.
void PushRaw(const Registry& reg, const std::string& repo_name, const std::string& config, const std::string& layer) {
  auto repo = registry::Repository::Open(std::make_shared<registry::CurlClient>(registry::HttpClientOptions{}),
                                         reg.url(), repo_name);
  REQUIRE(repo.ok());
  StringReader config_reader(config), layer_reader(layer);
  REQUIRE(repo->PutBlob(config_reader, Digest::Of(config), static_cast<int64_t>(config.size())).ok());
  REQUIRE(repo->PutBlob(layer_reader, Digest::Of(layer), static_cast<int64_t>(layer.size())).ok());
  Manifest m(std::string(kOciManifest), Descriptor::For(std::string(kOciConfig), config),
             {Descriptor::For(std::string(kOciLayerTar), layer)});
  REQUIRE(repo->PutManifest(m.raw(), kOciManifest, "1").ok());
}

}  // namespace

TEST_CASE("pull refuses a config hoist cannot read, exits non-zero and names nothing") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  const std::string layer = "layer bytes";
  const std::string ids = R"("rootfs":{"type":"layers","diff_ids":["sha256:)" + Digest::Of(layer).hex() + R"("]})";
  struct Case {
    std::string repo, config, says;
  };
  const std::vector<Case> cases = {
      {"bad/deep", R"({"architecture":"amd64","os":"linux","x":)" + std::string(100000, '[') +
                       std::string(100000, ']') + "," + ids + "}",
       "nested deeper than 64 levels"},
      {"bad/utf8", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"author\":\"\xff\"," + ids + "}", "not valid JSON"},
      {"bad/surrogate", R"({"architecture":"amd64","os":"linux","author":"\ud800",)" + ids + "}", "not valid JSON"},
      {"bad/duplicate", R"({"architecture":"amd64","os":"linux","rootfs":{"type":"other"},)" + ids + "}",
       "duplicate key \"rootfs\""},
  };
  for (const auto& c : cases) {
    SECTION(c.repo) {
      PushRaw(*registry, c.repo, c.config, layer);
      TempDir dir;
      const std::vector<std::string> env = {"HOIST_STORE=" + (dir / "store")};
      auto r = RunHoist({"pull", registry->host() + "/" + c.repo + ":1", "--insecure-registry", registry->host()}, env);
      INFO(r.err);
      CHECK(r.exit_code != 0);
      CHECK(r.exit_code < 128);  // an error, not a signal
      CHECK_THAT(r.err, Catch::Contains("image config: ") && Catch::Contains(c.says));
      auto images = RunHoist({"images", "--format", "json"}, env);
      CHECK(images.exit_code == 0);
      CHECK(images.out.find(c.repo) == std::string::npos);
    }
  }
}
