#include "registry/retry.h"

#include <catch2/catch.hpp>
#include <deque>

using namespace hoist;
using namespace hoist::registry;
using std::chrono::milliseconds;

namespace {

// Answers from a script, one entry per call, and records what it was asked.
class ScriptedClient : public HttpClient {
 public:
  std::deque<Result<Response>> script;
  int calls = 0;
  std::string body_to_sink;  // written to the sink on 2xx

  Result<Response> Do(Request& req) override {
    ++calls;
    if (req.body != nullptr) {
      auto all = ReadAll(*req.body, 1 << 20);
      if (!all.ok()) return std::move(all).error();
      bodies.push_back(*all);
    }
    REQUIRE_FALSE(script.empty());
    Result<Response> r = std::move(script.front());
    script.pop_front();
    if (r.ok() && req.sink != nullptr && !body_to_sink.empty()) {
      HOIST_TRY(req.sink->Write(body_to_sink));
    }
    return r;
  }
  std::vector<std::string> bodies;
};

Response Resp(int code, std::vector<std::pair<std::string, std::string>> headers = {}) {
  Response r;
  r.status = code;
  for (auto& [k, v] : headers) r.headers.Add(k, v);
  return r;
}

struct Sleeps {
  std::vector<milliseconds> waits;
  RetryingClient::SleepFn fn() {
    return [this](milliseconds d) { waits.push_back(d); };
  }
};

}  // namespace

TEST_CASE("Only 408, 429, 500, 502, 503 and 504 are retryable statuses") {
  for (int s : {408, 429, 500, 502, 503, 504}) CHECK(IsRetryableStatus(s));
  for (int s : {200, 201, 202, 204, 301, 307, 400, 401, 403, 404, 405, 409, 416, 501, 505}) {
    CHECK_FALSE(IsRetryableStatus(s));
  }
}

TEST_CASE("Backoff doubles its ceiling with full jitter and stops at the cap") {
  RetryPolicy p;  // 200 ms base, 10 s cap
  CHECK(BackoffDelay(p, 0, 0.0) == milliseconds(0));
  CHECK(BackoffDelay(p, 0, 0.5) == milliseconds(100));
  CHECK(BackoffDelay(p, 1, 0.5) == milliseconds(200));
  CHECK(BackoffDelay(p, 3, 0.999) == milliseconds(1598));
  CHECK(BackoffDelay(p, 6, 0.999) == milliseconds(9990));
  CHECK(BackoffDelay(p, 40, 0.999) == milliseconds(9990));
  CHECK(BackoffDelay(p, 1000, 1.0) == milliseconds(10'000));
}

TEST_CASE("Retry-After is read as delta-seconds") {
  auto now = std::chrono::system_clock::now();
  CHECK(ParseRetryAfter("120", now) == milliseconds(120'000));
  CHECK(ParseRetryAfter(" 0 ", now) == milliseconds(0));
  CHECK(ParseRetryAfter("99999999999999999999", now).value() > milliseconds(3'600'000));
}

TEST_CASE("Retry-After is read as an IMF-fixdate HTTP date") {
  using namespace std::chrono;
  auto when = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  REQUIRE(when.has_value());
  CHECK(*when == sys_days(year(1994) / November / 6) + hours(8) + minutes(49) + seconds(37));
  CHECK(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", *when - seconds(30)) ==
        milliseconds(30'000));
  CHECK(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", *when + hours(1)) == milliseconds(0));
  CHECK(ParseHttpDate("Thu, 29 Feb 2024 23:59:59 GMT").has_value());
}

TEST_CASE("Malformed Retry-After values and dates are rejected") {
  auto now = std::chrono::system_clock::now();
  for (const char* bad :
       {"", "-5", "1.5", "soon", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 2023 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 0x Nov 1994 08:49:37 GMT",
        // Past what system_clock's nanoseconds can hold (fuzz finding: signed overflow).
        "Wed, 29 Feb 4048 22:59:60 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
    INFO(bad);
    CHECK_FALSE(ParseRetryAfter(bad, now).has_value());
  }
}

TEST_CASE("A 503 is retried with backoff until a success") {
  ScriptedClient inner;
  inner.script.push_back(Resp(503));
  inner.script.push_back(Resp(502));
  inner.script.push_back(Resp(200));
  Sleeps sleeps;
  RetryPolicy policy;
  RetryingClient client(inner, policy, sleeps.fn());
  Request req;
  req.url = "https://r/v2/";
  auto r = client.Do(req);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(inner.calls == 3);
  REQUIRE(sleeps.waits.size() == 2);
  CHECK(sleeps.waits[0] < milliseconds(200));
  CHECK(sleeps.waits[1] < milliseconds(400));
}

TEST_CASE("Retry-After decides the wait and is capped") {
  ScriptedClient inner;
  inner.script.push_back(Resp(429, {{"retry-after", "7"}}));
  inner.script.push_back(Resp(503, {{"Retry-After", "86400"}}));
  inner.script.push_back(Resp(200));
  Sleeps sleeps;
  std::vector<std::string> log;
  RetryingClient client(inner, RetryPolicy{}, sleeps.fn(),
                        [&](std::string_view l) { log.emplace_back(l); });
  Request req;
  req.url = "https://r/v2/x?_state=secret";
  REQUIRE(client.Do(req).ok());
  CHECK(sleeps.waits == std::vector<milliseconds>{milliseconds(7000), milliseconds(60'000)});
  REQUIRE(log.size() == 2);
  CHECK_THAT(log[0], Catch::Contains("429"));
  CHECK_THAT(log[0], !Catch::Contains("secret"));
}

TEST_CASE("Permanent statuses are returned at once") {
  for (int s : {400, 401, 403, 404, 405}) {
    ScriptedClient inner;
    inner.script.push_back(Resp(s));
    Sleeps sleeps;
    RetryingClient client(inner, RetryPolicy{}, sleeps.fn());
    Request req;
    auto r = client.Do(req);
    REQUIRE(r.ok());
    CHECK(r->status == s);
    CHECK(inner.calls == 1);
    CHECK(sleeps.waits.empty());
  }
}

TEST_CASE("After max_tries the last response is returned") {
  ScriptedClient inner;
  for (int i = 0; i < 3; ++i) inner.script.push_back(Resp(500));
  Sleeps sleeps;
  RetryPolicy policy;
  policy.max_tries = 3;
  RetryingClient client(inner, policy, sleeps.fn());
  Request req;
  auto r = client.Do(req);
  REQUIRE(r.ok());
  CHECK(r->status == 500);
  CHECK(inner.calls == 3);
  CHECK(sleeps.waits.size() == 2);
}

TEST_CASE("Transport errors are retried, other errors are not") {
  ScriptedClient inner;
  inner.script.push_back(Error(ErrorCode::kNetwork, "connection reset"));
  inner.script.push_back(Error(ErrorCode::kTimeout, "too slow"));
  inner.script.push_back(Resp(204));
  Sleeps sleeps;
  RetryingClient client(inner, RetryPolicy{}, sleeps.fn());
  Request req;
  auto r = client.Do(req);
  REQUIRE(r.ok());
  CHECK(r->status == 204);
  CHECK(inner.calls == 3);

  ScriptedClient inner2;
  inner2.script.push_back(IOError("disk full"));
  RetryingClient client2(inner2, RetryPolicy{}, sleeps.fn());
  auto r2 = client2.Do(req);
  REQUIRE_FALSE(r2.ok());
  CHECK(r2.error().message() == "disk full");
  CHECK(inner2.calls == 1);
}

TEST_CASE("A body without rewind is sent once, with rewind it is rewound and resent") {
  ScriptedClient inner;
  inner.script.push_back(Resp(503));
  Sleeps sleeps;
  RetryingClient client(inner, RetryPolicy{}, sleeps.fn());
  StringReader once("chunk");
  Request req;
  req.method = "PATCH";
  req.body = &once;
  req.body_size = 5;
  CHECK(client.Do(req)->status == 503);
  CHECK(inner.calls == 1);

  ScriptedClient inner2;
  inner2.script.push_back(Resp(503));
  inner2.script.push_back(Resp(202));
  RetryingClient client2(inner2, RetryPolicy{}, sleeps.fn());
  std::optional<StringReader> body;
  body.emplace("chunk");
  int rewinds = 0;
  Request req2;
  req2.method = "PATCH";
  req2.body = &*body;
  req2.body_size = 5;
  req2.rewind = [&]() -> hoist::Status {
    ++rewinds;
    body.emplace("chunk");
    return Ok();
  };
  CHECK(client2.Do(req2)->status == 202);
  CHECK(rewinds == 1);
  CHECK(inner2.bodies == std::vector<std::string>{"chunk", "chunk"});
}

TEST_CASE("A failing rewind stops the retries with its error") {
  ScriptedClient inner;
  inner.script.push_back(Resp(500));
  Sleeps sleeps;
  RetryingClient client(inner, RetryPolicy{}, sleeps.fn());
  StringReader body("x");
  Request req;
  req.method = "PUT";
  req.body = &body;
  req.rewind = [] { return hoist::Status(IOError("cannot seek")); };
  auto r = client.Do(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message() == "cannot seek");
}

TEST_CASE("A download that already reached the sink is not retried") {
  ScriptedClient inner;
  inner.body_to_sink = "partial";
  inner.script.push_back(Error(ErrorCode::kNetwork, "reset mid-body"));
  inner.script.push_back(Resp(200));
  Sleeps sleeps;
  RetryingClient client(inner, RetryPolicy{}, sleeps.fn());
  StringWriter sink;
  Request req;
  req.sink = &sink;
  auto r = client.Do(req);
  // The scripted client writes to the sink only on success, so the first failure is clean.
  REQUIRE(r.ok());
  CHECK(inner.calls == 2);
  CHECK(sink.str() == "partial");
  CHECK(req.sink == &sink);

  // Now bytes arrive before the failure: the caller must resume, not us.
  class HalfThenFail : public HttpClient {
   public:
    int calls = 0;
    Result<Response> Do(Request& r) override {
      ++calls;
      HOIST_TRY(r.sink->Write("half"));
      return Error(ErrorCode::kNetwork, "reset mid-body");
    }
  } half;
  RetryingClient client2(half, RetryPolicy{}, sleeps.fn());
  StringWriter sink2;
  Request req2;
  req2.sink = &sink2;
  auto r2 = client2.Do(req2);
  REQUIRE_FALSE(r2.ok());
  CHECK(half.calls == 1);
  CHECK(sink2.str() == "half");
}
