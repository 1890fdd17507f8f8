#pragma once
// The token endpoint's answer (Docker token protocol / OAuth2) and a cache of the tokens it hands out.
// No HTTP here: the bearer flow fetches, this file parses and remembers.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::registry {

struct Token {
  std::string token;          // secret: never logged or put in a message
  std::string refresh_token;  // secret; empty when the endpoint sent none
  std::chrono::seconds expires_in{60};
  std::optional<std::chrono::system_clock::time_point> issued_at;
};

// Parses the JSON body: "token" or "access_token" (both: "token" wins), "expires_in" (default 60 s,
// never less than 60 as the spec asks), "issued_at" (RFC 3339, optional), "refresh_token".
// `realm` and `content_type` only feed error messages; the body itself is never echoed (it may hold
// a secret), only its size.
Result<Token> ParseTokenResponse(std::string_view body, std::string_view realm,
                                 std::string_view content_type = {});

// "2016-01-26T20:24:32.171264147Z", "2024-03-01T10:00:00+01:00" → time point.
Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s);

// What a token is good for: one registry host and a set of scopes (sorted, without duplicates).
struct TokenKey {
  std::string host;
  std::vector<std::string> scopes;

  static TokenKey Make(std::string host, std::vector<std::string> scopes);
  friend bool operator==(const TokenKey&, const TokenKey&) = default;
  friend auto operator<=>(const TokenKey&, const TokenKey&) = default;
};

// Thread-safe. A token is handed out only while it stays valid for more than `margin`, so a
// request never starts with a token about to expire.
class TokenCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  struct Options {
    Clock clock;  // default: steady_clock::now
    std::chrono::seconds margin{10};
  };

  TokenCache() : TokenCache(Options{}) {}
  explicit TokenCache(Options options);

  std::optional<Token> Get(const TokenKey& key) const;
  // Remembers a token, counting its lifetime from now (the local clock, not issued_at, which
  // may be skewed).
  void Put(const TokenKey& key, Token token);
  // Forgets the token for a key, e.g. after the registry answered 401 with it.
  void Invalidate(const TokenKey& key);
  void Clear();

 private:
  struct Entry {
    Token token;
    std::chrono::steady_clock::time_point expires_at;
  };
  std::chrono::steady_clock::time_point Now() const;

  Options options_;
  mutable std::mutex mu_;
  std::map<TokenKey, Entry> entries_;
};

}  // namespace hoist::registry
