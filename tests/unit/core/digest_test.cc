#include "core/digest.h"

#include <catch2/catch.hpp>

using hoist::Digest;
using hoist::DigestAlgorithm;
using hoist::ErrorCode;

namespace {
const std::string kEmpty256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}

TEST_CASE("digest of the empty string is the well-known sha256") {
  CHECK(Digest::Of("").str() == kEmpty256);
}

TEST_CASE("sha512 digests parse and hash") {
  Digest d = Digest::Of("abc", DigestAlgorithm::kSha512);
  CHECK(d.hex().size() == 128);
  auto parsed = Digest::Parse(d.str());
  REQUIRE(parsed.ok());
  CHECK(*parsed == d);
}

TEST_CASE("a valid sha256 digest parses and round-trips") {
  auto d = Digest::Parse(kEmpty256);
  REQUIRE(d.ok());
  CHECK(d->str() == kEmpty256);
  CHECK(d->algorithm() == DigestAlgorithm::kSha256);
  CHECK(d->Short() == "e3b0c44298fc");
}

TEST_CASE("malformed digests are rejected with a message naming the problem") {
  struct Case {
    std::string input;
    std::string why;
  };
  std::string upper = kEmpty256;
  upper[10] = 'E';
  const Case cases[] = {
      {upper, "lowercase"},
      {"sha256:e3b0", "needs 64 hex digits, got 4"},
      {kEmpty256 + "00", "needs 64 hex digits, got 66"},
      {"sha256:../x", "non-hex"},
      {"md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported algorithm"},
      {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "expected ALGORITHM:HEX"},
      {"", "expected ALGORITHM:HEX"},
      {"sha256:", "needs 64 hex digits"},
      {"SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "unsupported algorithm"},
      {"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85/", "non-hex"},
  };
  for (const auto& c : cases) {
    INFO(c.input);
    auto d = Digest::Parse(c.input);
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code() == ErrorCode::kParse);
    CHECK_THAT(d.error().message(), Catch::Contains(c.why));
  }
}

TEST_CASE("the streaming hasher matches one-shot hashing") {
  hoist::Hasher h;
  h.Update("hello ");
  h.Update("world");
  CHECK(h.Finish() == Digest::Of("hello world"));
}
