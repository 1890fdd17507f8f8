#include "serve/repo_names.h"

#include <catch2/catch.hpp>

#include "core/media_types.h"

using namespace hoist;
using namespace hoist::serve;

TEST_CASE("ref.name entries split into repository and tag or digest, the store's and a bundle's alike") {
  auto store = SplitEntryName("docker.io/library/alpine:3.19");
  REQUIRE(store);
  CHECK(store->repository == "docker.io/library/alpine");
  CHECK(store->tag == "3.19");
  auto port = SplitEntryName("localhost:5000/x:1");
  REQUIRE(port);
  CHECK(port->repository == "localhost:5000/x");
  CHECK(port->tag == "1");
  const std::string d = Digest::Of("m").str();
  auto by_digest = SplitEntryName("library/alpine:3.19@" + d);
  REQUIRE(by_digest);
  CHECK(by_digest->repository == "library/alpine");
  CHECK(by_digest->tag.empty());
  CHECK(by_digest->digest->str() == d);
  CHECK(!SplitEntryName("v1"));              // skopeo's bare tag: no repository
  CHECK(!SplitEntryName("localhost:5000/x"));  // no tag
  CHECK(!SplitEntryName("x@sha256:12"));
}

TEST_CASE("repository names in URLs follow the distribution grammar, a registry domain allowed first") {
  for (const char* ok : {"x", "library/alpine", "docker.io/library/alpine", "localhost:5000/team/app", "a-b/c__d/e.f"}) {
    INFO(ok);
    CHECK(ValidateRepositoryName(ok).ok());
  }
  for (const char* bad : {"", "UPPER", "a//b", "../x", "x/..", "a/b/", "-a", "x%2fy", "a b", "x:1"}) {
    INFO(bad);
    CHECK(!ValidateRepositoryName(bad).ok());
  }
  CHECK(!ValidateRepositoryName(std::string(300, 'a')).ok());
}

TEST_CASE("a client's name finds the layout repository verbatim, else normalized") {
  auto entry = [](const std::string& name, const std::string& content) {
    Descriptor d = Descriptor::For(std::string(kOciManifest), content);
    d.annotations["org.opencontainers.image.ref.name"] = name;
    return d;
  };
  NameIndex names({entry("docker.io/library/alpine:3.19", "a"), entry("docker.io/library/alpine:3.20", "b"),
                   entry("team/app:1", "c"), entry("team/app@" + Digest::Of("d").str(), "d"), entry("v1", "e")});
  CHECK(names.Find("docker.io/library/alpine") == "docker.io/library/alpine");
  CHECK(names.Find("library/alpine") == "docker.io/library/alpine");
  CHECK(names.Find("alpine") == "docker.io/library/alpine");
  CHECK(names.Find("team/app") == "team/app");
  CHECK(!names.Find("nothing"));
  CHECK(names.Tags("docker.io/library/alpine") == std::vector<std::string>{"3.19", "3.20"});
  CHECK(names.Repositories() == std::vector<std::string>{"docker.io/library/alpine", "team/app"});
  CHECK(names.Entries("team/app").size() == 2);
  REQUIRE(names.Tag("team/app", "1"));
  CHECK(names.Tag("team/app", "1")->digest == Digest::Of("c"));
}
