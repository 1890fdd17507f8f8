// `hoist copy` of a 50-blob image with both ends behind a fault proxy: downloads reset mid-body,
// 503 bursts, connections reset before a request reaches the registry, 429 with Retry-After. The
// copy, and a mirror, finish and the image arrives intact. Two proxies in front of the one registry look like
// two registries to hoist, so every blob really travels (no cross-repository mount).

#include <catch2/catch.hpp>

#include "integration/registry_fault_support.h"
#include "support/temp_dir.h"
#include "transfer_test_support.h"

using namespace hoist;
using hoist::testing::Fault;
using hoist::testing::FaultProxy;
using hoist::testing::PathKind;
using hoist::testing::RegistryVariant;
using hoist::testing::TempDir;
using namespace hoist::transfer_test;

namespace {

// Downloads reset mid-body and 503 bursts at the source; resets before the request and mid-body,
// 503 bursts on PUT and two 429s with Retry-After on POST at the destination.
void AddFaults(FaultProxy& from, FaultProxy& to) {
  using K = PathKind;
  from.AddRule({.method = "GET", .kind = K::kBlob, .skip = 1, .every = 6,
                .fault = Fault::ResetResponseBody(700)});
  from.AddRule({.method = "GET", .kind = K::kBlob, .skip = 3, .every = 11, .burst = 2,
                .fault = Fault::Status(503)});
  to.AddRule({.method = "HEAD", .kind = K::kBlob, .skip = 2, .every = 9,
              .fault = Fault::ResetRequestBody(0)});
  to.AddRule({.method = "POST", .kind = K::kUpload, .skip = 4, .every = 15, .times = 2,
              .fault = Fault::Status(429, "1")});
  to.AddRule({.method = "PUT", .kind = K::kUpload, .skip = 2, .every = 8, .burst = 2,
              .fault = Fault::Status(503)});
  to.AddRule({.method = "PUT", .kind = K::kUpload, .skip = 5, .every = 13,
              .fault = Fault::ResetRequestBody(0)});
  to.AddRule({.method = "PUT", .kind = K::kUpload, .skip = 7, .every = 19,
              .fault = Fault::ResetRequestBody(1000)});
}

// The 50-blob image (49 layers of 1 KiB to 300 KiB and the config) in the registry as faults/src:1,
// and two fault proxies in front of that registry with AddFaults' rules: `from` for the source,
// `to` for the destination.
struct Scene {
  explicit Scene(const std::string& registry_host)
      : host(registry_host), direct{dir / "store", {host}}, from(host), to(host),
        through{dir / "store-through", {from.host(), to.host()}} {
    Layout layout(dir / "src");
    std::vector<size_t> sizes;
    for (size_t i = 0; i < 49; ++i) sizes.push_back(1024 + (i * 7919) % (300 * 1024));
    image = layout.AddImage(sizes, "amd64", 21);
    layout.Name("img", image);
    direct.Report({"copy", "oci:" + layout.dir() + ":img", "docker://" + host + "/faults/src:1"});
    AddFaults(from, to);
  }

  // Every kind of fault really happened, and what arrived at `repo_and_tag` of the registry is the
  // image, blob for blob (copied out directly, every digest checked again).
  void CheckArrived(const std::string& repo_and_tag) {
    CHECK(FaultsLike(from, "reset response after") >= 5);
    CHECK(FaultsLike(from, "status 503") >= 4);
    CHECK(FaultsLike(to, "status 429") == 2);
    CHECK(FaultsLike(to, "status 503") >= 6);
    CHECK(FaultsLike(to, "reset request after 0") >= 3);
    CHECK(FaultsLike(to, "reset request after 1000") >= 1);  // mid-body: a fresh upload session
    auto back = direct.Report({"copy", "docker://" + host + "/" + repo_and_tag, "oci:" + (dir / "back") + ":x"});
    CHECK(DigestOf(back) == image.digest.str());
    CHECK(back["copied"].get<int>() == 50);
  }

  TempDir dir;
  std::string host;
  Hoist direct;  // straight to the registry
  FaultProxy from, to;
  Hoist through;  // through the proxies
  Descriptor image;
};

}  // namespace

TEST_CASE("a 50-blob copy through resets, 503 bursts and 429 with Retry-After finishes correct") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  Scene scene(registry->host());
  auto copied = scene.through.Report({"copy", "--jobs", "4", "docker://" + scene.from.host() + "/faults/src:1",
                                      "docker://" + scene.to.host() + "/faults/dst:1"});
  CHECK(DigestOf(copied) == scene.image.digest.str());
  CHECK(copied["copied"].get<int>() == 50);
  scene.CheckArrived("faults/dst:1");
}

TEST_CASE("a mirror through the same faults finishes correct") {
  HOIST_REQUIRE_REGISTRY(RegistryVariant::kPlain);
  Scene scene(registry->host());
  const std::string config = scene.dir / "sync.yaml";
  testing::WriteFile(config, scene.from.host() + ":\n  tls-verify: false\n  images:\n    faults/src: []\n");
  auto run = scene.through.Report({"mirror", "run", config, "--to", "docker://" + scene.to.host() + "/m"});
  CHECK(run["copied"] == 1);
  CHECK(run["failed"] == 0);
  scene.CheckArrived("m/faults/src:1");
}
