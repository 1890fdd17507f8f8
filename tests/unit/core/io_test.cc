#include "core/io.h"

#include <catch2/catch.hpp>

using namespace hoist;

TEST_CASE("ReadAll refuses input beyond its limit") {
  StringReader r(std::string(100, 'x'));
  auto all = ReadAll(r, 99);
  REQUIRE_FALSE(all.ok());
  CHECK(all.error().code() == ErrorCode::kTooLarge);
  StringReader r2(std::string(100, 'x'));
  CHECK(ReadAll(r2, 100).value().size() == 100);
}

TEST_CASE("DigestingReader verifies digest and size") {
  StringReader r("hello");
  DigestingReader d(r);
  StringWriter w;
  REQUIRE(Copy(d, w).value() == 5);
  CHECK(d.Verify(Digest::Of("hello"), 5).ok());

  StringReader r2("hellO");
  DigestingReader d2(r2);
  StringWriter w2;
  REQUIRE(Copy(d2, w2).ok());
  auto st = d2.Verify(Digest::Of("hello"), 5);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code() == ErrorCode::kDigestMismatch);

  StringReader r3("hello");
  DigestingReader d3(r3);
  REQUIRE(Copy(d3, w2).ok());
  auto st3 = d3.Verify(Digest::Of("hello"), 6);
  REQUIRE_FALSE(st3.ok());
  CHECK_THAT(st3.error().message(), Catch::Contains("size mismatch"));
}

TEST_CASE("LimitedReader passes exactly the limit and fails beyond it") {
  StringReader r("12345");
  LimitedReader l(r, 5);
  CHECK(ReadAll(l, 100).value() == "12345");
  StringReader r2("123456");
  LimitedReader l2(r2, 5, "manifest");
  auto all = ReadAll(l2, 100);
  REQUIRE_FALSE(all.ok());
  CHECK_THAT(all.error().message(), Catch::Contains("manifest exceeds"));
}

TEST_CASE("ReadFull reports a short stream") {
  StringReader r("abc");
  char buf[4];
  auto st = ReadFull(r, buf, 4);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message(), Catch::Contains("unexpected end of stream"));
}

TEST_CASE("errors carry context outermost first") {
  Error e = NotFound("manifest unknown");
  e.WithContext("tag latest").WithContext("pull localhost:5000/x");
  CHECK(e.ToString() == "pull localhost:5000/x: tag latest: manifest unknown");
  CHECK_FALSE(e.retryable());
  CHECK(Error(ErrorCode::kServerError, "503").retryable());
}

TEST_CASE("LimitedReader with the largest limit passes everything") {
  StringReader r("abc");
  LimitedReader l(r, UINT64_MAX);
  CHECK(ReadAll(l, 100).value() == "abc");
}
