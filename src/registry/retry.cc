#include "registry/retry.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>
#include <string>
#include <thread>

#include "registry/http/sanitize.h"

namespace hoist::registry {

namespace {

using std::chrono::milliseconds;

// Counts what reaches the caller's sink: once a byte is there, a resend would duplicate it.
class CountingWriter : public Writer {
 public:
  explicit CountingWriter(Writer& inner) : inner_(inner) {}
  using Writer::Write;
  Status Write(const char* data, size_t n) override {
    bytes_ += n;
    return inner_.Write(data, n);
  }
  uint64_t bytes() const { return bytes_; }

 private:
  Writer& inner_;
  uint64_t bytes_ = 0;
};

double UnitRandom() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseDigits(std::string_view s, int& out) {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

std::string Seconds(milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

bool IsRetryableStatus(int status) {
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504: return true;
    default: return false;
  }
}

milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double unit) {
  double ceiling = static_cast<double>(policy.base_delay.count());
  for (int i = 0; i < retry && ceiling < static_cast<double>(policy.max_delay.count()); ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, static_cast<double>(policy.max_delay.count()));
  unit = std::clamp(unit, 0.0, 1.0);
  return milliseconds(static_cast<int64_t>(ceiling * unit));
}

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view t) {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", fixed width.
  if (t.size() != 29 || t.substr(3, 2) != ", " || t[7] != ' ' || t[11] != ' ' || t[16] != ' ' ||
      t[19] != ':' || t[22] != ':' || t.substr(25) != " GMT") {
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                            "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (std::find(kDays.begin(), kDays.end(), t.substr(0, 3)) == kDays.end()) return std::nullopt;
  auto month = std::find(kMonths.begin(), kMonths.end(), t.substr(8, 3));
  if (month == kMonths.end()) return std::nullopt;
  int day, year, hh, mm, ss;
  if (!ParseDigits(t.substr(5, 2), day) || !ParseDigits(t.substr(12, 4), year) ||
      !ParseDigits(t.substr(17, 2), hh) || !ParseDigits(t.substr(20, 2), mm) ||
      !ParseDigits(t.substr(23, 2), ss)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;  // 60: a leap second
  // system_clock counts nanoseconds in 64 bits (years 1677-2262): a year outside this range
  // would overflow it (fuzz finding). No server means such a date.
  if (year < 1900 || year > 2200) return std::nullopt;
  std::chrono::year_month_day ymd{
      std::chrono::year(year),
      std::chrono::month(static_cast<unsigned>(month - kMonths.begin() + 1)),
      std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(hh) + std::chrono::minutes(mm) +
         std::chrono::seconds(ss);
}

std::optional<milliseconds> ParseRetryAfter(std::string_view value,
                                            std::chrono::system_clock::time_point now) {
  value = Trim(value);
  if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos) {
    if (value.size() > 9) return milliseconds(999'999'999LL * 1000);  // absurd; the cap applies
    int secs = 0;
    ParseDigits(value, secs);
    return milliseconds(static_cast<int64_t>(secs) * 1000);
  }
  auto when = ParseHttpDate(value);
  if (!when) return std::nullopt;
  if (*when <= now) return milliseconds(0);
  return std::chrono::duration_cast<milliseconds>(*when - now);
}

RetryingClient::RetryingClient(HttpClient& inner, RetryPolicy policy, SleepFn sleep, LogFn log)
    : inner_(inner), policy_(policy), sleep_(std::move(sleep)), log_(std::move(log)) {
  if (!sleep_) sleep_ = [](milliseconds d) { std::this_thread::sleep_for(d); };
}

milliseconds RetryingClient::DelayFor(int retry, const Result<Response>& last) {
  if (last.ok()) {
    if (auto header = last->Header("Retry-After")) {
      if (auto wait = ParseRetryAfter(*header, std::chrono::system_clock::now())) {
        return std::min(*wait, policy_.max_retry_after);
      }
    }
  }
  return BackoffDelay(policy_, retry, UnitRandom());
}

Result<Response> RetryingClient::Do(Request& req) {
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1 && req.body != nullptr) HOIST_TRY(req.rewind());
    Writer* caller_sink = req.sink;
    std::optional<CountingWriter> counter;
    if (caller_sink != nullptr) req.sink = &counter.emplace(*caller_sink);
    Result<Response> r = inner_.Do(req);
    req.sink = caller_sink;

    bool transient = r.ok() ? IsRetryableStatus(r->status) : r.error().retryable();
    bool streamed = counter && counter->bytes() > 0;
    if (!transient || attempt >= policy_.max_tries || !req.replayable() || streamed) return r;

    milliseconds delay = DelayFor(attempt - 1, r);
    if (log_) {
      std::string why = r.ok() ? std::to_string(r->status) + " " + r->reason : r.error().message();
      log_("retrying " + req.method + " " + SanitizeUrl(req.url) + " in " + Seconds(delay) +
           " after " + why + " (attempt " + std::to_string(attempt + 1) + " of " +
           std::to_string(policy_.max_tries) + ")");
    }
    sleep_(delay);
  }
}

}  // namespace hoist::registry
