#include "registry/client/range_header.h"

#include <catch2/catch.hpp>

using namespace hoist;
using namespace hoist::registry;

TEST_CASE("UploadedBytes reads 0-<last> as last+1 bytes") {
  CHECK(UploadedBytes(std::string_view("0-1048575"), 1048576).value() == 1048576);
  CHECK(UploadedBytes(std::string_view("bytes=0-9"), 0).value() == 10);
}

TEST_CASE("UploadedBytes reads a fresh upload's 0-0 as nothing when we sent nothing") {
  CHECK(UploadedBytes(std::string_view("0-0"), 0).value() == 0);
  CHECK(UploadedBytes(std::string_view("0-0"), 1).value() == 1);
}

TEST_CASE("UploadedBytes reads a missing Range as nothing received") {
  CHECK(UploadedBytes(std::nullopt, 0).value() == 0);
}

TEST_CASE("UploadedBytes refuses ranges that do not start at 0 or are malformed") {
  for (std::string_view bad : {"5-9", "0-", "-9", "9-0", "0-x", "", "0-99999999999999999999999",
                               "0-18446744073709551615", "bytes 0-9"}) {
    INFO(bad);
    Result<uint64_t> r = UploadedBytes(bad, 0);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kParse);
  }
}

TEST_CASE("ParseContentRange reads first, last and size") {
  ContentRange r = ParseContentRange("bytes 100-199/1000").value();
  CHECK(r.first == 100);
  CHECK(r.last == 199);
  CHECK(r.size == std::optional<uint64_t>(1000));
  CHECK_FALSE(ParseContentRange("bytes 0-0/*").value().size.has_value());
}

TEST_CASE("ParseContentRange refuses malformed values") {
  for (std::string_view bad : {"bytes 1-0/5", "bytes 0-9/9", "0-9/10", "bytes 0-9", "bytes */10",
                               "bytes a-b/c", "items 0-1/2"}) {
    INFO(bad);
    CHECK_FALSE(ParseContentRange(bad).ok());
  }
}

TEST_CASE("ParseDecimal is strict and catches overflow") {
  CHECK(ParseDecimal("0") == std::optional<uint64_t>(0));
  CHECK(ParseDecimal("18446744073709551615") == std::optional<uint64_t>(UINT64_MAX));
  CHECK_FALSE(ParseDecimal("18446744073709551616"));
  CHECK_FALSE(ParseDecimal("+1"));
  CHECK_FALSE(ParseDecimal(" 1"));
  CHECK_FALSE(ParseDecimal(""));
}
