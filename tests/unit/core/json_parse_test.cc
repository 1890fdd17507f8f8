#include "core/json_parse.h"

#include <catch2/catch.hpp>

using namespace hoist;

namespace {

std::string Nested(size_t depth, std::string_view inner = "0") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

}  // namespace

TEST_CASE("ParseJson accepts nesting up to kJsonMaxDepth and refuses one level more, naming the limit") {
  CHECK(ParseJson(Nested(kJsonMaxDepth)).ok());
  auto deep = ParseJson(Nested(kJsonMaxDepth + 1));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code() == ErrorCode::kParse);
  CHECK_THAT(deep.error().message(), Catch::Contains("nested deeper than 64 levels (kJsonMaxDepth)"));
}

TEST_CASE("ParseJson refuses 120,000 nested arrays without building them") {
  auto r = ParseOrderedJson("{\"a\":" + Nested(120000) + "}");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("nested deeper"));
}

TEST_CASE("ParseJson counts only brackets outside strings") {
  auto r = ParseJson("{\"a\":\"" + std::string(1000, '[') + "\\\"" + "\"}");
  REQUIRE(r.ok());
  CHECK((*r)["a"].get<std::string>().size() == 1001);
}

TEST_CASE("ParseJson refuses invalid UTF-8 and lone surrogate escapes") {
  CHECK_FALSE(ParseJson("\"\xff\"").ok());
  CHECK_FALSE(ParseJson(R"({"a":"\ud800"})").ok());
  CHECK_FALSE(ParseJson(R"({"a":"\udc00x"})").ok());
  auto pair = ParseJson(R"("\ud83d\ude00")");
  REQUIRE(pair.ok());
  CHECK(pair->get<std::string>() == "\xf0\x9f\x98\x80");
}

TEST_CASE("ParseJson says where the text stops being JSON and never echoes it") {
  auto r = ParseJson("{\"secret\": \"hunter2\",");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("not valid JSON (near byte"));
  CHECK_THAT(r.error().message(), !Catch::Contains("hunter2"));
  CHECK_THAT(ParseJson("  \n").error().message(), Catch::Contains("empty document"));
}

TEST_CASE("Duplicate keys are refused only when asked") {
  const std::string doc = R"({"rootfs":{},"rootfs":{"type":"layers"}})";
  CHECK(ParseJson(doc).ok());
  JsonParseOptions strict;
  strict.reject_duplicate_keys = true;
  auto r = ParseOrderedJson(doc, strict);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("duplicate key \"rootfs\""));
  CHECK(ParseOrderedJson(R"({"a":{"k":1},"b":{"k":2}})", strict).ok());
}

TEST_CASE("DumpJson writes invalid UTF-8 as U+FFFD instead of throwing") {
  nlohmann::json j = {{"cmd", std::vector<std::string>{"sh", "-c", "echo \xff"}}};
  CHECK(DumpJson(j) == "{\"cmd\":[\"sh\",\"-c\",\"echo \xef\xbf\xbd\"]}");
  nlohmann::ordered_json o = {{"b", "\xc3"}, {"a", 1}};
  CHECK(DumpJson(o, 1) == "{\n \"b\": \"\xef\xbf\xbd\",\n \"a\": 1\n}");
}
