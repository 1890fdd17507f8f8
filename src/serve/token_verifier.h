#pragma once
// --auth-token-*: Bearer JWTs from an external token issuer, verified as Distribution's `auth.token`
// does (realm, service, issuer, rootcertbundle): RS256/384/512 or ES256/384/512 only ("none" and
// the HMAC algorithms are refused: a shared secret cannot come from a certificate bundle), the
// signing key from the header's x5c chain, which must chain to the bundle, or from a kid naming a
// bundle certificate's key (libtrust's key ID, as Distribution 2 computes it); iss, aud, exp and
// nbf checked with kTokenLeeway. The token is hostile input until its signature holds: every
// refusal is a TokenRefusal, never an exception or a crash. OpenSSL stays in token_verifier.cc.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::serve {

// The longest Bearer token read (an x5c chain of a few certificates fits many times over).
inline constexpr size_t kMaxBearerToken = 16 * 1024;
// Certificates in one x5c header at most.
inline constexpr size_t kMaxTokenChain = 8;
// Clock skew allowed on exp and nbf (Distribution's leeway).
inline constexpr std::chrono::seconds kTokenLeeway{60};
// Tokens remembered as verified (by SHA-256, with their dates) so a client's next request costs a
// hash, not a chain check and a signature; past it the memory starts over.
inline constexpr size_t kMaxRememberedTokens = 4096;

struct TokenAuthOptions {
  std::string realm;    // the token issuer's URL, sent in the challenge
  std::string service;  // must be in the token's aud
  std::string issuer;   // must be the token's iss
  std::string root_bundle_pem;  // PEM certificates the signing chain must end in
};

// One entry of the "access" claim.
struct TokenGrant {
  std::string type;  // "repository", "registry"
  std::string name;  // "library/alpine", "catalog"
  std::vector<std::string> actions;  // "pull", "push", "delete", "*"
};

struct VerifiedToken {
  std::string subject;
  std::vector<TokenGrant> access;
  // True when some grant names type:name and holds `action` or "*" (Distribution's rule).
  bool Allows(std::string_view type, std::string_view name, std::string_view action) const;
};

enum class TokenRefusal {
  kMalformed,        // not three base64url parts of JSON objects
  kTooLarge,         // over kMaxBearerToken
  kUnsupportedAlg,   // "none", HS256, anything but RS*/ES*
  kUntrustedKey,     // no x5c/kid, or a chain that does not end in the bundle
  kBadSignature,
  kWrongIssuer,
  kWrongAudience,
  kExpired,
  kNotYetValid,
};
// "malformed_token", "token_too_large", … : the code a 401's detail carries.
const char* TokenRefusalCode(TokenRefusal r);

struct TokenCheck {
  std::optional<VerifiedToken> token;  // set when the token holds
  TokenRefusal refusal = TokenRefusal::kMalformed;
  std::string message;  // a sentence for the user; never echoes the token
  bool ok() const { return token.has_value(); }
};

class TokenVerifier {
 public:
  // Refuses a bundle without a certificate, and empty service/issuer/realm (naming the flag).
  static Result<std::unique_ptr<TokenVerifier>> Create(TokenAuthOptions options);
  ~TokenVerifier();
  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;

  TokenCheck Verify(std::string_view token,
                    std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
  const TokenAuthOptions& options() const { return options_; }

 private:
  struct Keys;
  explicit TokenVerifier(TokenAuthOptions options);
  TokenCheck VerifyUncached(std::string_view token, std::chrono::system_clock::time_point now,
                            double& exp, std::optional<double>& nbf) const;
  TokenAuthOptions options_;
  std::unique_ptr<Keys> keys_;
  struct Remembered {
    VerifiedToken token;
    double exp;
    std::optional<double> nbf;
  };
  mutable std::mutex mu_;
  mutable std::map<std::string, Remembered> verified_;  // SHA-256 of the token → what it holds
};

// libtrust's key ID of a DER SubjectPublicKeyInfo: SHA-256, first 240 bits, base32 in twelve
// groups of four joined by ':' (what Distribution 2 matches a JWT's kid against).
std::string LibtrustKeyId(std::string_view spki_der);

}  // namespace hoist::serve
