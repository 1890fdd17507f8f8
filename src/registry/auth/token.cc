#include "registry/auth/token.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "registry/auth/auth_text.h"

namespace hoist::registry {

namespace {

using json = nlohmann::json;

// Far enough for any real token, small enough that time arithmetic cannot overflow.
constexpr int64_t kMaxExpiresIn = int64_t{10} * 365 * 24 * 3600;

std::string From(std::string_view realm) { return "token response from " + AuthQuote(realm, 200); }

bool ReadDigits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

constexpr int kMinTokenYear = 1970;
constexpr int kMaxTokenYear = 2200;

Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s) {
  using namespace std::chrono;
  auto bad = [&] { return ParseError(AuthQuote(s) + " is not an RFC 3339 time"); };
  size_t p = 0;
  int y, mo, d, h, mi, sec;
  if (!ReadDigits(s, p, 4, y) || !Expect(s, p, '-') || !ReadDigits(s, p, 2, mo) ||
      !Expect(s, p, '-') || !ReadDigits(s, p, 2, d)) {
    return bad();
  }
  if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return bad();
  ++p;
  if (!ReadDigits(s, p, 2, h) || !Expect(s, p, ':') || !ReadDigits(s, p, 2, mi) ||
      !Expect(s, p, ':') || !ReadDigits(s, p, 2, sec)) {
    return bad();
  }
  if (h > 23 || mi > 59 || sec > 60) return bad();
  nanoseconds frac{0};
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    int64_t ns = 0;
    int digits = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      if (digits < 9) {
        ns = ns * 10 + (s[p] - '0');
        ++digits;
      }
      ++p;
    }
    if (p == start) return bad();
    for (; digits < 9; ++digits) ns *= 10;
    frac = nanoseconds(ns);
  }
  int offset_minutes = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int oh, om;
    if (!ReadDigits(s, p, 2, oh) || !Expect(s, p, ':') || !ReadDigits(s, p, 2, om) || oh > 23 ||
        om > 59) {
      return bad();
    }
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (p != s.size()) return bad();
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad();
  // system_clock counts nanoseconds in 64 bits (years 1678 to 2262): outside the named years a
  // time could not be held, and no token was issued then.
  if (y < kMinTokenYear || y > kMaxTokenYear) {
    return ParseError(AuthQuote(s) + " is outside the years " + std::to_string(kMinTokenYear) + " to " +
                      std::to_string(kMaxTokenYear) + " a token time may name");
  }
  auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_minutes};
  return time_point_cast<system_clock::duration>(tp + frac);
}

Result<Token> ParseTokenResponse(std::string_view body, std::string_view realm,
                                 std::string_view content_type) {
  auto parsed = ParseJson(body);
  json doc = parsed.ok() ? std::move(parsed).value() : json(json::value_t::discarded);
  if (doc.is_discarded() || !doc.is_object()) {
    std::string what = " is not a JSON object";
    if (!parsed.ok()) {
      const std::string& why = parsed.error().message();  // "not valid JSON (near byte N)", "JSON nested deeper…"
      what = why.rfind("not valid JSON", 0) == 0 ? " is not JSON" + why.substr(14) : " is not usable: " + why;
    }
    std::string ct = content_type.empty() ? "no content type" : "content type " + AuthQuote(content_type, 60);
    return ParseError(From(realm) + what + " (" + ct + ", " + std::to_string(body.size()) + " bytes)");
  }
  Token t;
  auto string_field = [&](const char* name, std::string& out) -> Status {
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) return Ok();
    if (!it->is_string()) return ParseError(From(realm) + ": \"" + name + "\" is not a string");
    out = it->get<std::string>();
    return Ok();
  };
  std::string token, access_token, issued_at;
  HOIST_TRY(string_field("token", token));
  HOIST_TRY(string_field("access_token", access_token));
  HOIST_TRY(string_field("refresh_token", t.refresh_token));
  HOIST_TRY(string_field("issued_at", issued_at));
  t.token = !token.empty() ? std::move(token) : std::move(access_token);
  if (t.token.empty()) {
    return ParseError(From(realm) + " has no token (neither \"token\" nor \"access_token\" is set)");
  }
  auto exp = doc.find("expires_in");
  if (exp != doc.end() && !exp->is_null()) {
    if (!exp->is_number()) return ParseError(From(realm) + ": \"expires_in\" is not a number");
    double secs = exp->get<double>();
    if (!(secs >= 60)) secs = 60;  // also catches NaN
    if (secs > static_cast<double>(kMaxExpiresIn)) secs = static_cast<double>(kMaxExpiresIn);
    t.expires_in = std::chrono::seconds(static_cast<int64_t>(secs));
  }
  if (!issued_at.empty()) {
    auto when = ParseRfc3339(issued_at);
    if (!when.ok()) {
      return ParseError(From(realm) + ": \"issued_at\" " + AuthQuote(issued_at) +
                        " is not an RFC 3339 time");
    }
    t.issued_at = *when;
  }
  return t;
}

TokenKey TokenKey::Make(std::string host, std::vector<std::string> scopes) {
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  return TokenKey{std::move(host), std::move(scopes)};
}

TokenCache::TokenCache(Options options) : options_(std::move(options)) {}

std::chrono::steady_clock::time_point TokenCache::Now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

std::optional<Token> TokenCache::Get(const TokenKey& key) const {
  auto now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || now + options_.margin >= it->second.expires_at) return std::nullopt;
  return it->second.token;
}

void TokenCache::Put(const TokenKey& key, Token token) {
  auto now = Now();
  auto expires_at = now + token.expires_in;
  std::lock_guard<std::mutex> lock(mu_);
  // Drop what has expired so a long-running mirror does not accumulate dead tokens.
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->second.expires_at <= now ? entries_.erase(it) : std::next(it);
  }
  entries_[key] = Entry{std::move(token), expires_at};
}

void TokenCache::Invalidate(const TokenKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(key);
}

void TokenCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

}  // namespace hoist::registry
