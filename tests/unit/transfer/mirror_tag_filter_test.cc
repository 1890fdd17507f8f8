// Tag selection on a fixture tag list: list, regex, semver range, exclude, newest-N, attachments.

#include <catch2/catch.hpp>

#include "transfer/mirror/semver.h"
#include "transfer/mirror/tag_filter.h"

using namespace hoist;
using namespace hoist::transfer::mirror;
using Tags = std::vector<std::string>;

namespace {

const Tags kFixture = {"latest", "1.0.0",  "1.2.0", "1.2.5", "v1.3",   "1.10.1",     "2.0.0-rc1", "2.0.0",
                       "2.1",    "edge",   "1.2.5-alpine", "3.0.0-beta.2",
                       "sha256-" + std::string(64, 'a') + ".sig", "sha256-" + std::string(64, 'b')};

Tags Select(RepoSelection sel, HoistAdditions add = {}) {
  auto r = SelectTags(sel, add, kFixture);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("an empty list takes every tag but attachments, a list takes what it names") {
  Tags all = Select({"app", SelectionKind::kList, {}, ""});
  CHECK(all.size() == kFixture.size() - 2);
  CHECK(std::find(all.begin(), all.end(), kFixture[12]) == all.end());
  CHECK(Select({"app", SelectionKind::kList, {"edge", "1.0.0", "edge"}, ""}) == Tags{"1.0.0", "edge"});
}

TEST_CASE("regex selects by search, like Go's MatchString") {
  CHECK(Select({"app", SelectionKind::kRegex, {}, "^1\\.2"}) == Tags{"1.2.0", "1.2.5", "1.2.5-alpine"});
  CHECK(Select({"app", SelectionKind::kRegex, {}, "rc"}) == Tags{"2.0.0-rc1"});
}

TEST_CASE("semver ranges") {
  CHECK(Select({"app", SelectionKind::kSemver, {}, ">= 1.2.0 < 2"}) == Tags{"1.10.1", "1.2.0", "1.2.5", "v1.3"});
  CHECK(Select({"app", SelectionKind::kSemver, {}, ">=1.2, <2"}) == Tags{"1.10.1", "1.2.0", "1.2.5", "v1.3"});
  CHECK(Select({"app", SelectionKind::kSemver, {}, "^2"}) == Tags{"2.0.0", "2.1"});
  CHECK(Select({"app", SelectionKind::kSemver, {}, "~1.2"}) == Tags{"1.2.0", "1.2.5"});
  CHECK(Select({"app", SelectionKind::kSemver, {}, "1.x"}) == Tags{"1.0.0", "1.10.1", "1.2.0", "1.2.5", "v1.3"});
  CHECK(Select({"app", SelectionKind::kSemver, {}, "1.0.0 || >= 2.1"}) == Tags{"1.0.0", "2.1"});
  CHECK(Select({"app", SelectionKind::kSemver, {}, ">= 2.0.0-rc0 < 2.0.0"}) == Tags{"2.0.0-rc1"});
}

TEST_CASE("exclude and newest-N") {
  HoistAdditions add;
  add.exclude = {"-", "^edge$"};
  CHECK(Select({"app", SelectionKind::kList, {}, ""}, add) ==
        Tags{"1.0.0", "1.10.1", "1.2.0", "1.2.5", "2.0.0", "2.1", "latest", "v1.3"});
  add.newest = 3;
  CHECK(Select({"app", SelectionKind::kList, {}, ""}, add) == Tags{"2.1", "2.0.0", "1.10.1"});
  HoistAdditions only_newest;
  only_newest.newest = 2;
  CHECK(Select({"app", SelectionKind::kSemver, {}, "< 2"}, only_newest) == Tags{"1.10.1", "v1.3"});
}

TEST_CASE("versions compare by semver precedence") {
  auto v = [](const char* s) { return *Version::Parse(s); };
  CHECK(Compare(v("1.2.3"), v("v1.2.3")) == 0);
  CHECK(Compare(v("1.10"), v("1.9.9")) > 0);
  CHECK(Compare(v("1.0.0-rc.2"), v("1.0.0-rc.10")) < 0);
  CHECK(Compare(v("1.0.0-rc1"), v("1.0.0")) < 0);
  CHECK(Compare(v("1.0.0-1"), v("1.0.0-alpha")) < 0);
  CHECK_FALSE(Version::Parse("latest"));
  CHECK_FALSE(Version::Parse("1.x"));
  CHECK_FALSE(Version::Parse("1.2.3.4"));
  CHECK_FALSE(VersionRange::Parse("> banana").ok());
  CHECK_FALSE(VersionRange::Parse("").ok());
}
