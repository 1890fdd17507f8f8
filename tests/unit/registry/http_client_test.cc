#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/version.h"
#include "registry/http/curl_client.h"
#include "registry/http/sanitize.h"
#include "registry/registry_errors.h"
#include "support/tiny_http_server.h"

using namespace hoist;
using namespace hoist::registry;
using hoist::testing::HttpExchange;
using hoist::testing::TinyHttpServer;
using hoist::testing::TinyResponse;

namespace {

char PatternByte(uint64_t i) { return static_cast<char>('a' + (i * 7 + i / 251) % 26); }

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = PatternByte(i);
  return s;
}

// Yields `total` pattern bytes in odd-sized pieces; fails after `fail_after` bytes if asked.
class PatternReader : public Reader {
 public:
  explicit PatternReader(uint64_t total, uint64_t fail_after = UINT64_MAX)
      : total_(total), fail_after_(fail_after) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ >= fail_after_) return IOError("source disk went away");
    size_t k = static_cast<size_t>(std::min<uint64_t>({n, 7777, total_ - pos_}));
    for (size_t i = 0; i < k; ++i) buf[i] = PatternByte(pos_ + i);
    pos_ += k;
    return k;
  }

 private:
  uint64_t total_;
  uint64_t fail_after_;
  uint64_t pos_ = 0;
};

class FailingWriter : public Writer {
 public:
  using Writer::Write;
  Status Write(const char*, size_t n) override {
    written_ += n;
    if (written_ > 100'000) return IOError("destination disk full");
    return Ok();
  }

 private:
  uint64_t written_ = 0;
};

TinyResponse Text(int status, std::string body) {
  TinyResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response MustDo(HttpClient& c, Request& req) {
  auto r = c.Do(req);
  if (!r.ok()) FAIL(r.error().ToString());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("Response headers are found case-insensitively with every value kept") {
  TinyHttpServer server([](const HttpExchange&) {
    TinyResponse r = Text(200, "hi");
    r.headers = {{"X-Thing", "a"}, {"x-thing", "b"}, {"Docker-Content-Digest", "sha256:00"}};
    return r;
  });
  CurlClient client;
  Request req;
  req.url = server.url("/v2/");
  Response resp = MustDo(client, req);
  CHECK(resp.status == 200);
  CHECK(resp.reason == "OK");
  CHECK(resp.body == "hi");
  CHECK(resp.Header("X-THING") == "a");
  CHECK(resp.Headers("x-Thing") == std::vector<std::string>{"a", "b"});
  CHECK(resp.Header("docker-content-digest") == "sha256:00");
  CHECK_FALSE(resp.Header("X-Missing").has_value());
  CHECK(resp.Headers("X-Missing").empty());
}

TEST_CASE("Request header helpers replace and remove case-insensitively") {
  Request req;
  req.headers = {{"Accept", "a"}, {"authorization", "Basic x"}, {"ACCEPT", "b"}};
  CHECK(req.Header("accept") == "a");
  req.SetHeader("Accept", "c");
  CHECK(req.headers.size() == 2);
  CHECK(req.Header("ACCEPT") == "c");
  req.RemoveHeader("Authorization");
  CHECK_FALSE(req.Header("authorization").has_value());
}

TEST_CASE("Requests carry the hoist User-Agent") {
  TinyHttpServer server([](const HttpExchange&) { return Text(200, ""); });
  CurlClient client;
  Request req;
  req.url = server.url("/v2/");
  MustDo(client, req);
  CHECK(server.requests().at(0).Header("User-Agent") == std::string("hoist/") + kVersion);
}

TEST_CASE("An upload of known length streams from a Reader with Content-Length") {
  TinyHttpServer server([](const HttpExchange&) { return Text(201, ""); });
  CurlClient client;
  constexpr size_t kSize = 5 * 1024 * 1024 + 3;
  PatternReader body(kSize);
  Request req;
  req.method = "PUT";
  req.url = server.url("/v2/foo/blobs/uploads/1?digest=sha256:x");
  req.body = &body;
  req.body_size = kSize;
  CHECK(MustDo(client, req).status == 201);
  auto ex = server.requests().at(0);
  CHECK(ex.method == "PUT");
  CHECK(ex.Header("Content-Length") == std::to_string(kSize));
  CHECK_FALSE(ex.chunked);
  CHECK(ex.body == Pattern(kSize));
}

TEST_CASE("An upload of unknown length is sent chunked") {
  TinyHttpServer server([](const HttpExchange&) { return Text(202, ""); });
  CurlClient client;
  PatternReader body(300'001);
  Request req;
  req.method = "PATCH";
  req.url = server.url("/upload");
  req.body = &body;
  CHECK(MustDo(client, req).status == 202);
  auto ex = server.requests().at(0);
  CHECK(ex.method == "PATCH");
  CHECK(ex.chunked);
  CHECK(ex.body == Pattern(300'001));
}

TEST_CASE("POST without a body sends an empty Content-Length") {
  TinyHttpServer server([](const HttpExchange&) { return Text(202, ""); });
  CurlClient client;
  Request req;
  req.method = "POST";
  req.url = server.url("/v2/foo/blobs/uploads/");
  CHECK(MustDo(client, req).status == 202);
  CHECK(server.requests().at(0).Header("Content-Length") == "0");
}

TEST_CASE("A failing body Reader aborts the upload with the Reader's own error") {
  TinyHttpServer server([](const HttpExchange&) { return Text(201, ""); });
  CurlClient client;
  for (int64_t size : {int64_t{1'000'000}, int64_t{-1}}) {
    PatternReader body(1'000'000, 200'000);
    Request req;
    req.method = "PUT";
    req.url = server.url("/upload");
    req.body = &body;
    req.body_size = size;
    auto r = client.Do(req);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::kIO);
    CHECK(r.error().message() == "source disk went away");
  }
}

TEST_CASE("A body shorter than its declared size fails instead of hanging") {
  TinyHttpServer server([](const HttpExchange&) { return Text(201, ""); });
  CurlClient client;
  PatternReader body(1000);
  Request req;
  req.method = "PUT";
  req.url = server.url("/upload");
  req.body = &body;
  req.body_size = 5000;
  auto r = client.Do(req);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("after 1000 of its declared 5000 bytes"));
}

TEST_CASE("A 2xx body streams into the sink") {
  const std::string blob = Pattern(5 * 1024 * 1024);
  TinyHttpServer server([&](const HttpExchange&) { return Text(200, blob); });
  CurlClient client;
  StringWriter sink;
  Request req;
  req.url = server.url("/v2/foo/blobs/sha256:1");
  req.sink = &sink;
  req.max_buffered_body = 1024;  // the limit is for buffering only
  Response resp = MustDo(client, req);
  CHECK(resp.status == 200);
  CHECK(resp.body.empty());
  CHECK(sink.str() == blob);
}

TEST_CASE("A failing sink Writer aborts the download with the Writer's own error") {
  TinyHttpServer server([](const HttpExchange&) { return Text(200, Pattern(2'000'000)); });
  CurlClient client;
  FailingWriter sink;
  Request req;
  req.url = server.url("/blob");
  req.sink = &sink;
  auto r = client.Do(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kIO);
  CHECK(r.error().message() == "destination disk full");
}

TEST_CASE("Error bodies are buffered, never written to the sink") {
  TinyHttpServer server([](const HttpExchange&) {
    return Text(404, R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]})");
  });
  CurlClient client;
  StringWriter sink;
  Request req;
  req.url = server.url("/blob");
  req.sink = &sink;
  Response resp = MustDo(client, req);
  CHECK(resp.status == 404);
  CHECK(sink.str().empty());
  CHECK(ErrorFromResponse(resp).code() == ErrorCode::kNotFound);
}

TEST_CASE("A huge error body is cut at the buffer limit and the request still succeeds") {
  std::string page = "<html><body><h1>502 Bad Gateway</h1>" + std::string(10 * 1024 * 1024, 'x');
  TinyHttpServer server([&](const HttpExchange&) { return Text(502, page); });
  CurlClient client;
  Request req;
  req.url = server.url("/v2/");
  Response resp = MustDo(client, req);
  CHECK(resp.status == 502);
  CHECK(resp.body.size() == kDefaultMaxBufferedBody);
  CHECK(resp.body_truncated);
  Error e = ErrorFromResponse(resp);
  CHECK(e.code() == ErrorCode::kServerError);
  CHECK(e.message().size() < 500);
}

TEST_CASE("A buffered 2xx body over the limit fails with kTooLarge") {
  TinyHttpServer server([](const HttpExchange&) { return Text(200, std::string(5000, 'm')); });
  CurlClient client;
  Request req;
  req.url = server.url("/v2/foo/manifests/latest");
  req.max_buffered_body = 4096;
  auto r = client.Do(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kTooLarge);
}

TEST_CASE("A stalled server trips the low-speed limit") {
  TinyHttpServer server([](const HttpExchange&) {
    TinyResponse r = Text(200, std::string(100'000, 'z'));
    r.stall_after = 10;
    return r;
  });
  HttpClientOptions opts;
  opts.low_speed_limit = 100;
  opts.low_speed_time = std::chrono::seconds(2);
  CurlClient client(opts);
  StringWriter sink;
  Request req;
  req.url = server.url("/blob");
  req.sink = &sink;
  auto start = std::chrono::steady_clock::now();
  auto r = client.Do(req);
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kTimeout);
  CHECK(r.error().retryable());
  CHECK(elapsed < std::chrono::seconds(15));
  CHECK(sink.str() == std::string(10, 'z'));
}

TEST_CASE("A refused connection is kNetwork and its message hides credentials") {
  int port;
  {
    TinyHttpServer gone([](const HttpExchange&) { return Text(200, ""); });
    port = gone.port();
  }
  std::vector<std::string> log;
  HttpClientOptions opts;
  opts.debug_log = [&](std::string_view line) { log.emplace_back(line); };
  CurlClient client(opts);
  Request req;
  req.url = "http://user:pw-secret@127.0.0.1:" + std::to_string(port) + "/v2/x?_state=st-secret";
  req.headers = {{"Authorization", "Bearer tok-secret"}};
  auto r = client.Do(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kNetwork);
  CHECK_THAT(r.error().message(),
             Catch::StartsWith("GET http://127.0.0.1:" + std::to_string(port) + "/v2/x: "));
  CHECK_THAT(r.error().message(), !Catch::Contains("secret"));
  REQUIRE_FALSE(log.empty());
  for (const auto& line : log) CHECK_THAT(line, !Catch::Contains("secret"));
}

TEST_CASE("The debug log names request headers but never their values") {
  TinyHttpServer server([](const HttpExchange&) { return Text(200, ""); });
  std::vector<std::string> log;
  HttpClientOptions opts;
  opts.debug_log = [&](std::string_view line) { log.emplace_back(line); };
  CurlClient client(opts);
  Request req;
  req.url = server.url("/v2/");
  req.headers = {{"Authorization", "Bearer tok-secret"}};
  MustDo(client, req);
  std::string all;
  for (const auto& l : log) all += l + "\n";
  CHECK_THAT(all, Catch::Contains("Authorization"));
  CHECK_THAT(all, !Catch::Contains("tok-secret"));
  CHECK_THAT(all, Catch::Contains("< 200"));
}

TEST_CASE("Header values with line breaks are refused without being echoed") {
  CurlClient client;
  Request req;
  req.url = "http://127.0.0.1:1/";
  req.headers = {{"Authorization", "Bearer abc\r\nX-Injected: 1"}};
  auto r = client.Do(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(r.error().message(), !Catch::Contains("abc"));
}

TEST_CASE("Sequential requests reuse one connection") {
  TinyHttpServer server([](const HttpExchange&) { return Text(200, "ok"); });
  CurlClient client;
  for (int i = 0; i < 5; ++i) {
    Request req;
    req.url = server.url("/v2/");
    CHECK(MustDo(client, req).body == "ok");
  }
  CHECK(server.connections() == 1);
}

TEST_CASE("One client serves requests from several threads at once") {
  TinyHttpServer server([](const HttpExchange& ex) { return Text(200, ex.target); });
  CurlClient client;
  std::mutex mu;
  int good = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Request req;
        req.url = server.url("/t" + std::to_string(t) + "/" + std::to_string(i));
        auto r = client.Do(req);
        std::lock_guard<std::mutex> lock(mu);
        if (r.ok() && r->body == "/t" + std::to_string(t) + "/" + std::to_string(i)) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(good == 100);
}

TEST_CASE("URLs are sanitized for messages") {
  CHECK(SanitizeUrl("https://u:p@host:5000/v2/x?_state=abc#frag") == "https://host:5000/v2/x");
  CHECK(SanitizeUrl("https://host/v2/x") == "https://host/v2/x");
  CHECK(SanitizeUrl("https://host/p@th") == "https://host/p@th");
  CHECK(SanitizeUrl("https://h/\x01\xff") == "https://h/??");
}
