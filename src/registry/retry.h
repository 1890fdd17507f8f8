#pragma once
// Retrying transient failures: exponential backoff with full jitter, Retry-After honoured (and
// capped). RetryingClient wraps any HttpClient.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "registry/http/http_client.h"

namespace hoist::registry {

struct RetryPolicy {
  int max_tries = 5;  // attempts in all, the first included
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{10'000};
  std::chrono::milliseconds max_retry_after{60'000};  // a longer Retry-After is cut to this
};

// 408, 429, 500, 502, 503, 504. Everything else (400, 401, 403, 404, 405, DIGEST_INVALID's 400…)
// is permanent here; the auth layer does its own single re-authentication on 401.
bool IsRetryableStatus(int status);

// The backoff before retry number `retry` (0 for the first retry): full jitter, a uniform draw
// from [0, min(max_delay, base_delay * 2^retry)). `unit` is a uniform number in [0, 1).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double unit);

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of a year from 1900 to 2200 (what
// system_clock can hold); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text);

// Retry-After as delta-seconds or an HTTP date, measured from `now`; a date in the past is a
// zero wait. nullopt when the value is neither.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

class RetryingClient : public HttpClient {
 public:
  using SleepFn = std::function<void(std::chrono::milliseconds)>;
  using LogFn = std::function<void(std::string_view)>;

  // `sleep` defaults to std::this_thread::sleep_for; `log` hears one line per retry.
  explicit RetryingClient(HttpClient& inner, RetryPolicy policy = {}, SleepFn sleep = {},
                          LogFn log = {});

  // Retries transport errors (kNetwork, kTimeout) and retryable statuses while the request is
  // replayable (no body, or Request::rewind set, which is called before each resend) and no
  // byte has yet reached Request::sink. The last response or error is returned as is.
  Result<Response> Do(Request& req) override;

 private:
  std::chrono::milliseconds DelayFor(int retry, const Result<Response>& last);

  HttpClient& inner_;
  RetryPolicy policy_;
  SleepFn sleep_;
  LogFn log_;
};

}  // namespace hoist::registry
