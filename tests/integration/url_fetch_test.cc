// transfer/url_fetch.h against a small in-test HTTP server: the body lands atomically in its
// file with its digest and Last-Modified, redirects are followed, no credential is ever sent, and
// every failure (404, wrong digest, too large, credentials in the URL) leaves no file.

#include "transfer/url_fetch.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "support/tiny_http_server.h"

using namespace hoist;
using hoist::testing::HttpExchange;
using hoist::testing::TempDir;
using hoist::testing::TinyHttpServer;
using hoist::testing::TinyResponse;

namespace {

const std::string kBody = "payload over http\n";

TinyResponse Serve(const HttpExchange& req) {
  TinyResponse r;
  if (req.target == "/dl/file.bin") {
    r.headers = {{"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}};
    r.body = kBody;
  } else if (req.target == "/hop") {
    r.status = 301;
    r.headers = {{"Location", "/dl/file.bin"}};
  } else if (req.target == "/flaky") {
    r.status = 503;  // a retryable status: the retry wrapper tries again, then gives up
  } else {
    r.status = 404;
  }
  return r;
}

transfer::UrlFetchOptions Fast() {
  transfer::UrlFetchOptions o;
  o.retry.max_tries = 2;
  o.retry.base_delay = std::chrono::milliseconds(1);
  o.retry.max_delay = std::chrono::milliseconds(1);
  return o;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("FetchUrl streams a body into its file, follows redirects and sends no credentials") {
  TempDir dir;
  TinyHttpServer server(Serve);
  auto got = transfer::FetchUrl(server.url("/hop"), dir / "out", std::nullopt, Fast());
  REQUIRE(got.ok());
  CHECK(got->digest == Digest::Of(kBody));
  CHECK(got->size == kBody.size());
  REQUIRE(got->last_modified);
  CHECK(*got->last_modified == 784111777);
  CHECK(hoist::testing::ReadFile(dir / "out") == kBody);
  struct stat st;
  REQUIRE(::stat((dir / "out").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].target == "/dl/file.bin");
  for (const auto& r : requests) CHECK_FALSE(r.Header("Authorization"));

  auto sha512 = Digest::Of(kBody, DigestAlgorithm::kSha512);  // the expected digest's algorithm is used
  auto checked = transfer::FetchUrl(server.url("/dl/file.bin"), dir / "checked", sha512, Fast());
  REQUIRE(checked.ok());
  CHECK(checked->digest == sha512);
}

TEST_CASE("FetchUrl failures leave no file and say what went wrong") {
  TempDir dir;
  TinyHttpServer server(Serve);
  const std::string out = dir / "out";

  auto missing = transfer::FetchUrl(server.url("/nothing?token=secret"), out, std::nullopt, Fast());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::kNotFound);
  CHECK_THAT(missing.error().ToString(), Catch::Contains(server.url("/nothing")) && Catch::Contains("404") &&
                                             !Catch::Contains("secret"));

  auto wrong = transfer::FetchUrl(server.url("/dl/file.bin"), out, Digest::Of("other"), Fast());
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code() == ErrorCode::kDigestMismatch);
  CHECK_THAT(wrong.error().ToString(), Catch::Contains(Digest::Of("other").str()) &&
                                           Catch::Contains(Digest::Of(kBody).str()));

  auto small = Fast();
  small.max_size = 5;
  auto big = transfer::FetchUrl(server.url("/dl/file.bin"), out, std::nullopt, small);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code() == ErrorCode::kTooLarge);

  auto flaky = transfer::FetchUrl(server.url("/flaky"), out, std::nullopt, Fast());
  REQUIRE_FALSE(flaky.ok());
  CHECK(flaky.error().code() == ErrorCode::kServerError);

  const size_t before = server.requests().size();
  std::string with_password = server.url("/dl/file.bin");
  with_password.insert(std::string("http://").size(), "me:pa55word@");
  auto creds = transfer::FetchUrl(with_password, out, std::nullopt, Fast());
  REQUIRE_FALSE(creds.ok());
  CHECK(creds.error().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(creds.error().ToString(), !Catch::Contains("pa55word"));
  CHECK(server.requests().size() == before);  // refused before anything was sent

  CHECK_FALSE(Exists(out));
  CHECK(transfer::FetchUrl("ftp://127.0.0.1/x", out, std::nullopt, Fast()).error().code() ==
        ErrorCode::kInvalidArgument);
}

TEST_CASE("UrlFileName takes the URL path's last component, as docker names ADD's file") {
  CHECK(transfer::UrlFileName("https://example.com/dl/app.tar.gz") == "app.tar.gz");
  CHECK(transfer::UrlFileName("https://example.com/dl/app%201.tgz?x=1#frag") == "app 1.tgz");
  CHECK(transfer::UrlFileName("http://example.com") == "");
  CHECK(transfer::UrlFileName("http://example.com/") == "");
  CHECK(transfer::UrlFileName("http://example.com/dir/") == "dir");  // Go's path.Base, as docker
  CHECK(transfer::UrlFileName("http://example.com/%2e%2e") == "");
  CHECK(transfer::UrlFileName("http://example.com/a%2Fb") == "b");
  CHECK(transfer::UrlFileName("http://example.com/a%00b") == "");
  CHECK(transfer::IsHttpUrl("HTTPS://example.com/x"));
  CHECK_FALSE(transfer::IsHttpUrl("git@github.com:x/y"));
}
