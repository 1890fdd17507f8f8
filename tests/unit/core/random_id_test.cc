#include "core/random_id.h"

#include <set>

#include <catch2/catch.hpp>

using namespace hoist;

TEST_CASE("RandomHex gives lowercase hex of twice the bytes asked for, different every time") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto id = RandomHex(32);
    REQUIRE(id.ok());
    CHECK(id->size() == 64);
    CHECK(id->find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(*id);
  }
  CHECK(seen.size() == 100);
  CHECK(RandomHex(16)->size() == 32);
  CHECK(RandomHex(0)->empty());
}

TEST_CASE("RandomHex refuses more than 256 bytes at a time") {
  auto big = RandomHex(257);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code() == ErrorCode::kInvalidArgument);
}
