#include "registry/client/client_util.h"

#include <catch2/catch.hpp>

#include "registry/client/registry_api.h"

using namespace hoist;
using namespace hoist::registry;
using namespace hoist::registry::client_detail;

TEST_CASE("QueryEscape keeps unreserved characters and encodes the rest") {
  CHECK(QueryEscape("sha256:ab") == "sha256%3Aab");
  CHECK(QueryEscape("a/b c&d=e") == "a%2Fb%20c%26d%3De");
  CHECK(QueryEscape("A-z_0.9~") == "A-z_0.9~");
}

TEST_CASE("AppendQuery starts or extends the query") {
  CHECK(AppendQuery("http://h/v2/x/blobs/uploads/u", "digest", "sha256:1") ==
        "http://h/v2/x/blobs/uploads/u?digest=sha256%3A1");
  CHECK(AppendQuery("http://h/u?_state=abc", "digest", "d") == "http://h/u?_state=abc&digest=d");
}

TEST_CASE("A base URL is scheme://host[:port] without a trailing slash") {
  CHECK(NormalizeBaseUrl("http://127.0.0.1:5000/").value() == "http://127.0.0.1:5000");
  CHECK(NormalizeBaseUrl("https://registry.example").value() == "https://registry.example");
  CHECK_FALSE(NormalizeBaseUrl("ftp://x").ok());
  CHECK_FALSE(NormalizeBaseUrl("http://x/v2").ok());
  CHECK_FALSE(NormalizeBaseUrl("http://user:pw@x").ok());
  CHECK_FALSE(NormalizeBaseUrl("127.0.0.1:5000").ok());
}

TEST_CASE("A repository refuses an invalid name") {
  std::shared_ptr<HttpClient> none;
  CHECK_FALSE(Repository::Open(none, "http://x", "a").ok());
  struct Null : HttpClient {
    Result<Response> Do(Request&) override { return Internal("unused"); }
  };
  auto http = std::make_shared<Null>();
  CHECK(Repository::Open(http, "http://x", "team/app").ok());
  CHECK_FALSE(Repository::Open(http, "http://x", "Team/App").ok());
  CHECK_FALSE(Repository::Open(http, "http://x", "").ok());
}

TEST_CASE("ReferrersTag is the algorithm and hex joined by a dash") {
  Digest d = Digest::Of("x");
  CHECK(ReferrersTag(d) == "sha256-" + d.hex());
}

TEST_CASE("ExactReader reads exactly its size and fails when the source ends early") {
  StringReader src("abcdef");
  ExactReader first(src, 4);
  CHECK(ReadAll(first, 100).value() == "abcd");
  ExactReader second(src, 4);
  CHECK_FALSE(ReadAll(second, 100).ok());
}
