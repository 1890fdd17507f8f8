// hoist mirror plan/run between real registries: plan matches run, a second run changes nothing,
// signatures travel, one bad image does not stop the rest, shards split the list, and a config
// skopeo sync reads mirrors what skopeo sync mirrors.

#include <catch2/catch.hpp>

#include "mirror_test_support.h"

using namespace hoist;
using namespace hoist::mirror_test;
using hoist::testing::RegistryVariant;
using hoist::testing::RunCommand;
using hoist::testing::TempDir;

namespace {

std::string Config(const std::string& a) {
  return a + ":\n  tls-verify: false\n  images:\n    app0: []\n    app1: [\"1.0.0\", \"2.0.0\"]\n    multi: []\n"
             "  images-by-tag-regex:\n    app2: '^1\\.'\n  images-by-semver:\n    app3: \">= 1.1.0 < 2\"\n"
             "  hoist:\n    exclude: ['^1\\.1']\n";
}

}  // namespace

TEST_CASE("mirror: plan matches run, the second run is a no-op, signatures travel") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(b, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host(), b->host()});
  Populate(up);
  testing::WriteFile(dir / "sync.yaml", Config(a->host()));
  const std::string to = "docker://" + b->host() + "/m";

  auto plan = up.hoist.Report({"mirror", "plan", dir / "sync.yaml", "--to", to});
  auto planned = Outcomes(plan, "planned");
  // app0: every tag but 1.1.0 (exclude); app1 as listed; app2 ^1\. minus 1.1.0; app3 1.1.0 excluded.
  std::map<std::string, std::string> want = {
      {"app0:1.0.0", up.digests["app0:1.0.0"]}, {"app0:2.0.0", up.digests["app0:2.0.0"]},
      {"app1:1.0.0", up.digests["app1:1.0.0"]}, {"app1:2.0.0", up.digests["app1:2.0.0"]},
      {"app2:1.0.0", up.digests["app2:1.0.0"]}, {"multi:1.0.0", up.digests["multi:1.0.0"]}};
  CHECK(planned == want);
  CHECK(plan["failed"] == 0);
  CHECK(plan["new_blobs"].get<int>() > 0);

  auto run = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", to, "--jobs", "3"});
  CHECK(Outcomes(run, "copied") == planned);
  CHECK(run["failed"] == 0);
  for (const auto& [name, digest] : want) CHECK(RemoteDigest(b->host(), "m/" + name) == digest);
  CHECK(RemoteDigest(b->host(), "m/app0:" + up.signature_tag) == up.signature_digest);

  auto again = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", to});
  CHECK(again["copied"] == 0);
  CHECK(Outcomes(again, "up-to-date") == want);
  CHECK(again["bytes"] == 0);
}

TEST_CASE("mirror: one failing image does not stop the rest, and the exit code says so") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(b, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host(), b->host()});
  up.AddImage("app0:1.0.0");
  up.AddImage("app1:1.0.0");
  testing::WriteFile(dir / "sync.yaml", a->host() + ":\n  images:\n    app0: [\"1.0.0\", \"missing\"]\n"
                                                    "    nosuchrepo: []\n    app1: [\"1.0.0\"]\n");
  auto r = up.hoist.Run({"--format", "json", "mirror", "run", dir / "sync.yaml", "--to", "docker://" + b->host()});
  CHECK(r.exit_code == 1);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["copied"] == 2);
  CHECK(j["failed"] == 2);
  CHECK(RemoteDigest(b->host(), "app1:1.0.0") == up.digests["app1:1.0.0"]);
  for (const auto& i : j["images"]) {
    if (i["outcome"] == "failed") CHECK_FALSE(i["reason"].get<std::string>().empty());
  }
}

TEST_CASE("mirror: --shard K/N splits the image list with no overlap and nothing left out") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host()});
  for (int i = 0; i < 8; ++i) up.AddImage("app" + std::to_string(i) + ":1");
  std::string yaml = a->host() + ":\n  images:\n";
  for (int i = 0; i < 8; ++i) yaml += "    app" + std::to_string(i) + ": []\n";
  testing::WriteFile(dir / "sync.yaml", yaml);
  std::map<std::string, std::string> all;
  for (const char* shard : {"0/3", "1/3", "2/3"}) {
    auto part = Outcomes(up.hoist.Report({"mirror", "plan", dir / "sync.yaml", "--shard", shard}), "planned");
    for (const auto& [name, digest] : part) CHECK(all.emplace(name, digest).second);
  }
  CHECK(all.size() == 8);
  auto bad = up.hoist.Run({"mirror", "plan", dir / "sync.yaml", "--shard", "3/3"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("mirror: a config skopeo sync 1.9 reads mirrors exactly what skopeo sync mirrors") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(b, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host(), b->host()});
  for (const char* name : {"app0:1.0.0", "app0:1.1.0", "app1:1.0.0", "app1:2.0.0", "app1:2.1.0", "app2:x"}) {
    up.AddImage(name);
  }
  // hoist's additions under `hoist:` are ignored by skopeo; here they change nothing.
  testing::WriteFile(dir / "sync.yaml", a->host() + ":\n  tls-verify: false\n  images:\n    app0: []\n"
                                                    "    app2: [x]\n  images-by-tag-regex:\n    app1: '^2\\.'\n"
                                                    "  hoist:\n    signatures: true\n");
  auto sk = RunCommand({"skopeo", "sync", "--preserve-digests", "--src", "yaml", "--dest", "docker", "--dest-tls-verify=false",
                        dir / "sync.yaml", b->host() + "/sk"});
  INFO(sk.err);
  REQUIRE(sk.exit_code == 0);
  auto run = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", "docker://" + b->host() + "/h"});
  auto copied = Outcomes(run, "copied");
  CHECK(copied.size() == 5);
  for (const auto& [name, digest] : copied) {
    INFO(name);
    CHECK(RemoteDigest(b->host(), "sk/" + name) == digest);
  }
  // And nothing more: skopeo's repositories hold exactly these tags.
  for (const char* repo : {"app0", "app1", "app2"}) {
    auto tags = nlohmann::json::parse(
        RunCommand({"skopeo", "list-tags", "--tls-verify=false", "docker://" + b->host() + "/sk/" + repo}).out, nullptr,
        false);
    REQUIRE(tags.is_object());
    for (const auto& t : tags["Tags"]) CHECK(copied.count(std::string(repo) + ":" + t.get<std::string>()) == 1);
  }
}

TEST_CASE("mirror: a run killed half way finishes on the next run without re-sending finished images") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(b, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host(), b->host()});
  std::vector<std::string> names;
  for (int i = 0; i < 6; ++i) names.push_back("app" + std::to_string(i) + ":1");
  for (const auto& n : names) up.AddImage(n);
  std::string yaml = a->host() + ":\n  images:\n";
  for (int i = 0; i < 6; ++i) yaml += "    app" + std::to_string(i) + ": []\n";
  testing::WriteFile(dir / "sync.yaml", yaml);
  const std::string to = "docker://" + b->host() + "/m";
  CHECK(up.hoist.Run({"mirror", "run", dir / "sync.yaml", "--to", to, "--rate", "0/s"}).exit_code == 2);

  // Slowed down by --rate and killed (SIGKILL: no cleanup at all) part way.
  std::vector<std::string> args = {"timeout", "-s", "KILL", "4", HOIST_BINARY, "--store", dir / "store",
                                   "--progress", "none", "mirror", "run", dir / "sync.yaml", "--to", to,
                                   "--jobs", "1", "--rate", "20/s", "--insecure-registry", a->host(),
                                   "--insecure-registry", b->host()};
  auto killed = RunCommand(args);
  INFO(killed.err);
  std::set<std::string> finished;
  for (const auto& n : names) {
    if (RemoteDigest(b->host(), "m/" + n) == up.digests[n]) finished.insert(n);
  }
  if (finished.empty() || finished.size() == names.size()) {
    WARN("the killed run finished " << finished.size() << " images: " << killed.exit_code << " " << killed.err);
  }
  auto rerun = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", to});
  CHECK(rerun["failed"] == 0);
  for (const auto& i : rerun["images"]) {
    const std::string name = i["name"];
    INFO(name);
    CHECK(i["outcome"] == (finished.count(name) ? "up-to-date" : "copied"));
    CHECK(RemoteDigest(b->host(), "m/" + name) == up.digests[name]);
  }
  CHECK(rerun["images"].size() == names.size());
}

TEST_CASE("mirror: signatures and referrers travel for listed and named tags, and a new signature is picked up") {
  HOIST_REQUIRE_REGISTRY_AS(a, RegistryVariant::kPlain);
  HOIST_REQUIRE_REGISTRY_AS(b, RegistryVariant::kPlain);
  TempDir dir;
  Upstream up(dir.path(), a->host(), {a->host(), b->host()});
  for (const char* name : {"app0:1.0.0", "app0:2.0.0", "app1:1.0.0", "app1:2.0.0"}) up.AddImage(name);
  up.Sign("app0:1.0.0");  // app0 is listed ([]): its listing shows the signature tag
  const std::string sig0 = up.signature_tag, sig0_digest = up.signature_digest;
  up.Sign("app1:1.0.0");  // app1 names its tags: hoist lists the repository itself
  const std::string sig1 = up.signature_tag, sig1_digest = up.signature_digest;
  const std::string referrers = up.Refer("app1:1.0.0");
  testing::WriteFile(dir / "sync.yaml", a->host() + ":\n  tls-verify: false\n  images:\n    app0: []\n"
                                                    "    app1: [\"1.0.0\", \"2.0.0\"]\n");
  const std::string to = "docker://" + b->host() + "/m";

  auto run = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", to, "--jobs", "2"});
  CHECK(run["copied"] == 4);
  CHECK(run["failed"] == 0);
  for (const char* name : {"app0:1.0.0", "app0:2.0.0", "app1:1.0.0", "app1:2.0.0"}) {
    CHECK(RemoteDigest(b->host(), std::string("m/") + name) == up.digests[name]);
  }
  CHECK(RemoteDigest(b->host(), "m/app0:" + sig0) == sig0_digest);
  CHECK(RemoteDigest(b->host(), "m/app1:" + sig1) == sig1_digest);
  CHECK(RemoteDigest(b->host(), "m/app1:" + referrers) == up.digests["app1:" + referrers]);

  auto again = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", to});
  CHECK(again["up_to_date"] == 4);
  CHECK(again["copied"] == 0);

  // A signature that appears upstream later makes its image travel again, signature included.
  up.Sign("app1:2.0.0");
  auto third = up.hoist.Report({"mirror", "run", dir / "sync.yaml", "--to", to});
  std::map<std::string, std::string> copied = Outcomes(third, "copied");
  CHECK(copied == std::map<std::string, std::string>{{"app1:2.0.0", up.digests["app1:2.0.0"]}});
  CHECK(third["up_to_date"] == 3);
  CHECK(RemoteDigest(b->host(), "m/app1:" + up.signature_tag) == up.signature_digest);
}
