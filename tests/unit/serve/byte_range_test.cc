#include "serve/byte_range.h"

#include <catch2/catch.hpp>

using hoist::serve::ParseByteRange;

TEST_CASE("a blob Range is one span inside the blob, open-ended and suffix forms included") {
  auto r = ParseByteRange("bytes=2-5", 10);
  REQUIRE(r);
  CHECK(r->first == 2);
  CHECK(r->length == 4);
  r = ParseByteRange("bytes=7-", 10);
  REQUIRE(r);
  CHECK(r->length == 3);
  r = ParseByteRange("bytes=5-100", 10);  // clipped to the end
  REQUIRE(r);
  CHECK(r->length == 5);
  r = ParseByteRange("bytes=-4", 10);
  REQUIRE(r);
  CHECK(r->first == 6);
  CHECK(r->length == 4);
  r = ParseByteRange("bytes=-40", 10);
  REQUIRE(r);
  CHECK(r->first == 0);
}

TEST_CASE("an unsatisfiable or malformed Range is refused") {
  for (const char* bad : {"bytes=10-", "bytes=5-2", "bytes=-0", "bytes=a-b", "items=0-1", "bytes=0-1,3-4", "bytes=",
                          "bytes=-", "bytes=99999999999999999999-", "0-1"}) {
    INFO(bad);
    CHECK(!ParseByteRange(bad, 10));
  }
  CHECK(!ParseByteRange("bytes=0-", 0));
}
