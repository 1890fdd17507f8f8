// --shard K/N: every image in exactly one shard, the same split on every machine.

#include <catch2/catch.hpp>

#include "transfer/mirror/shard.h"

using namespace hoist;
using namespace hoist::transfer::mirror;

TEST_CASE("shards partition the image list, stably") {
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) keys.push_back("mirror/app" + std::to_string(i) + ":1");
  const int n = 4;
  std::vector<int> sizes(n, 0);
  for (const auto& k : keys) {
    int owners = 0;
    for (int s = 0; s < n; ++s) {
      if (Shard{s, n}.Contains(k)) ++owners, ++sizes[s];
    }
    CHECK(owners == 1);
  }
  for (int s : sizes) CHECK(s > 20);  // no shard left idle
  // Fixed hash: the same on every machine and every release.
  CHECK(StableHash("") == 0xcbf29ce484222325ull);
  CHECK(StableHash("a") == 0xaf63dc4c8601ec8cull);
}

TEST_CASE("shard flag parses K/N") {
  auto s = ParseShard("2/5");
  REQUIRE(s.ok());
  CHECK(s->index == 2);
  CHECK(s->count == 5);
  for (const char* bad : {"5/5", "-1/3", "1", "a/b", "1/0", "/3", "1/", "1/3x"}) {
    INFO(bad);
    CHECK_FALSE(ParseShard(bad).ok());
  }
  CHECK(Shard{}.Contains("anything"));
}
