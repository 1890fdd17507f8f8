#include "registry/registry_errors.h"

#include <catch2/catch.hpp>

using namespace hoist;
using namespace hoist::registry;

namespace {

Response Make(int status, std::string body, std::string method = "GET",
              std::string url = "https://registry.example/v2/library/alpine/manifests/3.19") {
  Response r;
  r.status = status;
  r.reason = std::string(ReasonPhrase(status));
  r.body = std::move(body);
  r.method = std::move(method);
  r.effective_url = std::move(url);
  return r;
}

}  // namespace

TEST_CASE("The spec's error body becomes the message and the registry details") {
  Error e = ErrorFromResponse(Make(
      404,
      R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"3.19"}}]})"));
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK(e.message() ==
        "GET https://registry.example/v2/library/alpine/manifests/3.19: 404 Not Found: "
        "MANIFEST_UNKNOWN: manifest unknown");
  REQUIRE(e.registry().has_value());
  CHECK(e.registry()->http_status == 404);
  REQUIRE(e.registry()->diagnostics.size() == 1);
  CHECK(e.registry()->diagnostics[0].code == "MANIFEST_UNKNOWN");
  CHECK(e.registry()->diagnostics[0].detail == R"({"Tag":"3.19"})");
}

TEST_CASE("Registry error codes map to error codes") {
  auto code = [](int status, const std::string& c) {
    return ErrorFromResponse(Make(status, R"({"errors":[{"code":")" + c + R"(","message":"m"}]})"))
        .code();
  };
  CHECK(code(400, "DIGEST_INVALID") == ErrorCode::kDigestMismatch);
  CHECK(code(403, "DENIED") == ErrorCode::kDenied);
  CHECK(code(404, "BLOB_UNKNOWN") == ErrorCode::kNotFound);
  CHECK(code(404, "BLOB_UPLOAD_UNKNOWN") == ErrorCode::kNotFound);
  CHECK(code(404, "NAME_UNKNOWN") == ErrorCode::kNotFound);
  CHECK(code(400, "NAME_INVALID") == ErrorCode::kInvalidArgument);
  CHECK(code(400, "MANIFEST_INVALID") == ErrorCode::kInvalidArgument);
  CHECK(code(405, "UNSUPPORTED") == ErrorCode::kUnsupported);
  CHECK(code(403, "TOOMANYREQUESTS") == ErrorCode::kRateLimited);
}

TEST_CASE("401, 429 and 5xx are decided by the status") {
  CHECK(ErrorFromResponse(Make(401, R"({"errors":[{"code":"DENIED"}]})")).code() ==
        ErrorCode::kUnauthorized);
  CHECK(ErrorFromResponse(Make(429, "")).code() == ErrorCode::kRateLimited);
  CHECK(ErrorFromResponse(Make(503, R"({"errors":[{"code":"NAME_UNKNOWN"}]})")).code() ==
        ErrorCode::kServerError);
  CHECK(ErrorFromResponse(Make(500, "")).retryable());
}

TEST_CASE("Without codes the status decides") {
  CHECK(ErrorFromResponse(Make(403, "")).code() == ErrorCode::kDenied);
  CHECK(ErrorFromResponse(Make(404, "")).code() == ErrorCode::kNotFound);
  CHECK(ErrorFromResponse(Make(409, "")).code() == ErrorCode::kConflict);
  CHECK(ErrorFromResponse(Make(413, "")).code() == ErrorCode::kTooLarge);
  CHECK(ErrorFromResponse(Make(400, "")).code() == ErrorCode::kInvalidArgument);
  CHECK(ErrorFromResponse(Make(405, "")).code() == ErrorCode::kInvalidArgument);
  CHECK(ErrorFromResponse(Make(302, "")).code() == ErrorCode::kParse);
  Error head = ErrorFromResponse(Make(404, "", "HEAD"));
  CHECK(head.message() ==
        "HEAD https://registry.example/v2/library/alpine/manifests/3.19: 404 Not Found");
}

TEST_CASE("Unknown registry codes are kept verbatim in the message") {
  Error e = ErrorFromResponse(
      Make(400, R"({"errors":[{"code":"FROBNICATION_FAILED","message":"the frob broke"},)"
                R"({"code":"ALSO_ODD"}]})"));
  CHECK(e.code() == ErrorCode::kInvalidArgument);
  CHECK_THAT(e.message(),
             Catch::EndsWith("400 Bad Request: FROBNICATION_FAILED: the frob broke; ALSO_ODD"));
}

TEST_CASE("A non-JSON body becomes a short snippet") {
  Error e = ErrorFromResponse(Make(502, "upstream connect error or disconnect/reset\n"));
  CHECK(e.code() == ErrorCode::kServerError);
  CHECK_THAT(e.message(),
             Catch::EndsWith("502 Bad Gateway: upstream connect error or disconnect/reset "));
  CHECK(e.registry()->diagnostics.empty());
}

TEST_CASE("A huge HTML error page is reduced to its text, briefly") {
  std::string page =
      "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body{color:red}</style>"
      "<script>var x = '<b>';</script></head><body><center><h1>502 Bad Gateway</h1></center>";
  page += std::string(10 * 1024 * 1024, 'A');
  Error e = ErrorFromResponse(Make(502, page));
  CHECK(e.message().size() < 500);
  CHECK_THAT(e.message(),
             Catch::Contains(": 502 Bad Gateway: 502 Bad Gateway 502 Bad Gateway AAAA"));
  CHECK_THAT(e.message(), !Catch::Contains("<"));
  CHECK_THAT(e.message(), !Catch::Contains("color"));
  CHECK_THAT(e.message(), Catch::EndsWith("..."));
}

TEST_CASE("Error bodies of the wrong JSON types are tolerated") {
  for (const char* body : {R"({"errors":"nope"})", R"({"errors":[1,"a",null,[]]})",
                           R"({"errors":[{"code":5,"message":["x"]}]})", R"([{"code":"X"}])",
                           R"({"errors":[{"code":"X")", "null", R"("string")"}) {
    INFO(body);
    Error e = ErrorFromResponse(Make(404, body));
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK(e.registry()->diagnostics.empty());
    CHECK(e.message().size() < 500);
  }
  auto mixed =
      ParseErrorBody(R"({"errors":[7,{"code":"BLOB_UNKNOWN","message":3,"detail":null}]})");
  REQUIRE(mixed.size() == 1);
  CHECK(mixed[0].code == "BLOB_UNKNOWN");
  CHECK(mixed[0].message.empty());
  CHECK(mixed[0].detail.empty());
}

TEST_CASE("Registry text is neutralized and the URL sanitized in the message") {
  Error e = ErrorFromResponse(Make(
      400, "{\"errors\":[{\"code\":\"BAD\\u001b[31m\",\"message\":\"line1\\nline2\"}]}", "PUT",
      "https://user:pass@registry.example/v2/x/blobs/uploads/1?_state=SIGNED&digest=sha256:1"));
  CHECK_THAT(e.message(), Catch::StartsWith("PUT https://registry.example/v2/x/blobs/uploads/1: "));
  CHECK_THAT(e.message(), Catch::Contains("BAD?[31m: line1 line2"));
  CHECK_THAT(e.message(), !Catch::Contains("SIGNED"));
  CHECK_THAT(e.message(), !Catch::Contains("pass"));
}

TEST_CASE("Only the first diagnostics are shown, all bounded ones kept") {
  std::string body = R"({"errors":[)";
  for (int i = 0; i < 100; ++i)
    body += std::string(i ? "," : "") + R"({"code":"C)" + std::to_string(i) + R"("})";
  body += "]}";
  Error e = ErrorFromResponse(Make(400, body));
  CHECK_THAT(e.message(), Catch::EndsWith("C0; C1; C2 (and 13 more)"));
  CHECK(e.registry()->diagnostics.size() == 16);
}

TEST_CASE("An error body whose detail nests 120,000 arrays gives a clean error, not a stack overflow") {
  std::string deep = std::string(120000, '[') + std::string(120000, ']');
  std::string body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":)" + deep + "}]}";
  REQUIRE(body.size() < 256 * 1024);  // under the error-body parse cap, so it reaches the parser
  Error e = ErrorFromResponse(Make(404, body));
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK_THAT(e.message(), Catch::StartsWith("GET https://registry.example/v2/library/alpine/manifests/3.19: 404"));
  CHECK(e.message().size() < 600);
  REQUIRE(e.registry().has_value());
  CHECK(e.registry()->diagnostics.empty());
}
