#pragma once
// --htpasswd FILE: HTTP Basic credentials checked against bcrypt entries ("user:$2y$…", as
// `htpasswd -B` writes them; Distribution accepts only bcrypt too), with libcrypt's crypt_rn.
// A bcrypt check costs tens of milliseconds on purpose, so a pair once verified is remembered (by
// its SHA-256, never in clear) and the next request of that client costs a hash.

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/error.h"

namespace hoist::serve {

// Verified credentials remembered at once; past it the memory starts over.
inline constexpr size_t kMaxRememberedCredentials = 4096;

class Htpasswd {
 public:
  // Lines "user:hash"; blank lines and "#" comments skipped; a hash that is not bcrypt is refused
  // naming its line number (never its content).
  static Result<std::unique_ptr<Htpasswd>> Load(const std::string& path);

  // `authorization`: the header's value. True and `user` set when it carries valid credentials.
  bool Check(const std::string& authorization, std::string& user);

 private:
  std::map<std::string, std::string> users_;  // user → bcrypt hash
  std::mutex mu_;
  std::set<std::string> verified_;  // SHA-256 of user, password and hash
};

}  // namespace hoist::serve
