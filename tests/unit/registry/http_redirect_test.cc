#include <catch2/catch.hpp>

#include "registry/http/curl_client.h"
#include "registry/http/url.h"
#include "support/tiny_http_server.h"

// Redirects are followed by CurlClient itself so that credentials stay with their origin.

using namespace hoist;
using namespace hoist::registry;
using hoist::testing::HttpExchange;
using hoist::testing::TinyHttpServer;
using hoist::testing::TinyResponse;

namespace {

TinyResponse Text(int status, std::string body) {
  TinyResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TinyResponse Redirect(int status, std::string location) {
  TinyResponse r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  r.body = "moved";
  return r;
}

Response MustDo(HttpClient& c, Request& req) {
  auto r = c.Do(req);
  if (!r.ok()) FAIL(r.error().ToString());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("A redirect to another port drops the Authorization header") {
  TinyHttpServer other([](const HttpExchange&) { return Text(200, "blob bytes"); });
  TinyHttpServer origin([&](const HttpExchange&) {
    return Redirect(307, other.url("/storage/blob?X-Amz-Signature=abc"));
  });
  CurlClient client;
  for (std::string method : {"GET", "HEAD"}) {
    Request req;
    req.method = method;
    req.url = origin.url("/v2/foo/blobs/sha256:1");
    req.headers = {{"Authorization", "Bearer s3cr3t"}, {"Accept", "*/*"}};
    Response resp = MustDo(client, req);
    CHECK(resp.status == 200);
    CHECK(resp.effective_url == other.url("/storage/blob?X-Amz-Signature=abc"));
    if (method == "GET") CHECK(resp.body == "blob bytes");
  }
  for (const auto& ex : origin.requests()) CHECK(ex.Header("Authorization") == "Bearer s3cr3t");
  REQUIRE(other.requests().size() == 2);
  for (const auto& ex : other.requests()) {
    CHECK_FALSE(ex.Header("Authorization").has_value());
    CHECK(ex.Header("Accept") == "*/*");
  }
  CHECK(other.requests()[1].method == "HEAD");
}

TEST_CASE("A redirect from 127.0.0.1 to localhost drops the Authorization header") {
  TinyHttpServer* self = nullptr;
  TinyHttpServer server([&](const HttpExchange& ex) {
    if (ex.target == "/start") return Redirect(302, self->url("/final", "localhost"));
    return Text(200, "final");
  });
  self = &server;
  CurlClient client;
  Request req;
  req.url = server.url("/start");
  req.headers = {{"authorization", "Basic dXNlcjpwYXNz"}};
  Response resp = MustDo(client, req);
  CHECK(resp.body == "final");
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].Header("Authorization").has_value());
  CHECK(reqs[1].target == "/final");
  CHECK(reqs[1].Header("Host") == "localhost:" + std::to_string(server.port()));
  CHECK_FALSE(reqs[1].Header("Authorization").has_value());
}

TEST_CASE("A same-origin redirect keeps the Authorization header") {
  TinyHttpServer server([&](const HttpExchange& ex) {
    if (ex.target == "/v2/a") return Redirect(301, "/v2/b");  // relative Location
    return Text(200, "b");
  });
  CurlClient client;
  Request req;
  req.url = server.url("/v2/a");
  req.headers = {{"Authorization", "Bearer t"}};
  Response resp = MustDo(client, req);
  CHECK(resp.body == "b");
  CHECK(resp.effective_url == server.url("/v2/b"));
  CHECK(server.requests().at(1).Header("Authorization") == "Bearer t");
}

TEST_CASE("Redirect following stops after five hops") {
  TinyHttpServer server([](const HttpExchange&) { return Redirect(302, "/again"); });
  CurlClient client;
  Request req;
  req.url = server.url("/start");
  auto r = client.Do(req);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message(), Catch::Contains("stopped after 5 redirects"));
  CHECK(server.requests().size() == 6);
}

TEST_CASE("Redirects are returned, not followed, for uploads or when disabled") {
  TinyHttpServer server([](const HttpExchange&) { return Redirect(307, "/elsewhere"); });
  CurlClient client;
  Request put;
  put.method = "PUT";
  put.url = server.url("/upload");
  CHECK(MustDo(client, put).status == 307);
  Request get;
  get.url = server.url("/x");
  get.follow_redirects = false;
  Response resp = MustDo(client, get);
  CHECK(resp.status == 307);
  CHECK(resp.Header("Location") == "/elsewhere");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("Origins compare scheme, host and port with default ports filled in") {
  auto a = ParseOrigin("https://Registry.Example:443/v2/");
  auto b = ParseOrigin("https://registry.example/x");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  CHECK(a->HostPort() == "registry.example");
  CHECK(ParseOrigin("http://registry.example/x").value().port == 80);
  CHECK_FALSE(*ParseOrigin("http://registry.example/x") == *b);
  CHECK(ParseOrigin("https://localhost:5000/").value().HostPort() == "localhost:5000");
  CHECK_FALSE(ParseOrigin("ftp://host/x").ok());
  CHECK(ResolveUrl("https://a/v2/x/y", "../z?q=1").value() == "https://a/v2/z?q=1");
  CHECK(ResolveUrl("https://a/v2/x", "https://b:8443/p").value() == "https://b:8443/p");
}
