#include "serve/token_verifier.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/json_parse.h"

namespace hoist::serve {

namespace {

using nlohmann::json;

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(STACK_OF(X509)* p) const { sk_X509_pop_free(p, X509_free); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

TokenCheck Refuse(TokenRefusal r, std::string message) {
  TokenCheck c;
  c.refusal = r;
  c.message = std::move(message);
  return c;
}

// JWS base64url: no padding, no '+' or '/'.
std::optional<std::string> DecodeBase64Url(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '+' || c == '/' || c == '=') return std::nullopt;
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  return DecodeBase64(s, Base64Padding::kOptional);
}

struct Algorithm {
  const char* name;
  bool rsa;
  int ec_bits;  // EC: the curve's size; RSA: 0
  const EVP_MD* (*md)();
};
constexpr Algorithm kAlgorithms[] = {
    {"RS256", true, 0, EVP_sha256}, {"RS384", true, 0, EVP_sha384}, {"RS512", true, 0, EVP_sha512},
    {"ES256", false, 256, EVP_sha256}, {"ES384", false, 384, EVP_sha384}, {"ES512", false, 521, EVP_sha512},
};
// RSA keys shorter than this are refused (Go's crypto/rsa refuses under 1024; 2048 is the floor today).
constexpr int kMinRsaBits = 2048;

Owned<X509> ParseDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (cert && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    X509_free(cert);
    return nullptr;
  }
  return Owned<X509>(cert);
}

std::string SpkiDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key, &der);
  std::string out = n > 0 ? std::string(reinterpret_cast<char*>(der), static_cast<size_t>(n)) : std::string();
  OPENSSL_free(der);
  return out;
}

// A JWS ECDSA signature is r || s, each the curve's size; OpenSSL verifies the DER sequence.
std::optional<std::string> EcdsaRawToDer(std::string_view raw, int bits) {
  const size_t half = static_cast<size_t>((bits + 7) / 8);
  if (raw.size() != 2 * half) return std::nullopt;
  Owned<ECDSA_SIG> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + half, static_cast<int>(half), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(sig.get(), &der);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

bool VerifySignature(EVP_PKEY* key, const Algorithm& alg, std::string_view input, std::string_view signature) {
  std::string sig(signature);
  if (!alg.rsa) {
    auto der = EcdsaRawToDer(signature, alg.ec_bits);
    if (!der) return false;
    sig = std::move(*der);
  }
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, alg.md(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

// A NumericDate (seconds, maybe fractional); nullopt when absent; false in `ok` when of the wrong type.
std::optional<double> NumericDate(const json& claims, const char* name, bool& ok) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    ok = false;
    return std::nullopt;
  }
  return it->get<double>();
}

}  // namespace

const char* TokenRefusalCode(TokenRefusal r) {
  switch (r) {
    case TokenRefusal::kMalformed: return "malformed_token";
    case TokenRefusal::kTooLarge: return "token_too_large";
    case TokenRefusal::kUnsupportedAlg: return "unsupported_algorithm";
    case TokenRefusal::kUntrustedKey: return "untrusted_signing_key";
    case TokenRefusal::kBadSignature: return "bad_signature";
    case TokenRefusal::kWrongIssuer: return "wrong_issuer";
    case TokenRefusal::kWrongAudience: return "wrong_audience";
    case TokenRefusal::kExpired: return "token_expired";
    case TokenRefusal::kNotYetValid: return "token_not_yet_valid";
  }
  return "invalid_token";
}

bool VerifiedToken::Allows(std::string_view type, std::string_view name, std::string_view action) const {
  for (const TokenGrant& g : access) {
    if (g.type != type || g.name != name) continue;
    for (const std::string& a : g.actions) {
      if (a == "*" || a == action) return true;
    }
  }
  return false;
}

std::string LibtrustKeyId(std::string_view spki_der) {
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(spki_der.data()), spki_der.size(), hash);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string b32;
  // 30 bytes = 240 bits = 48 base32 characters, no padding.
  for (size_t bit = 0; bit < 240; bit += 5) {
    unsigned v = 0;
    for (size_t k = 0; k < 5; ++k) {
      const size_t b = bit + k;
      v = (v << 1) | ((hash[b / 8] >> (7 - b % 8)) & 1u);
    }
    b32 += kAlphabet[v];
  }
  std::string out;
  for (size_t i = 0; i < b32.size(); i += 4) {
    if (i) out += ':';
    out += b32.substr(i, 4);
  }
  return out;
}

struct TokenVerifier::Keys {
  Owned<X509_STORE> roots;
  std::vector<std::pair<std::string, Owned<EVP_PKEY>>> by_kid;
};

TokenVerifier::TokenVerifier(TokenAuthOptions options) : options_(std::move(options)), keys_(new Keys) {}
TokenVerifier::~TokenVerifier() = default;

Result<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(TokenAuthOptions options) {
  if (options.realm.empty()) return InvalidArgument("--auth-token-realm is needed with token authentication");
  if (options.service.empty()) return InvalidArgument("--auth-token-service is needed with token authentication");
  if (options.issuer.empty()) return InvalidArgument("--auth-token-issuer is needed with token authentication");
  std::unique_ptr<TokenVerifier> v(new TokenVerifier(std::move(options)));
  v->keys_->roots.reset(X509_STORE_new());
  Owned<BIO> bio(BIO_new_mem_buf(v->options_.root_bundle_pem.data(),
                                 static_cast<int>(v->options_.root_bundle_pem.size())));
  if (!v->keys_->roots || !bio) return Internal("out of memory reading --auth-token-rootcertbundle");
  size_t count = 0;
  while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    Owned<X509> cert(raw);
    X509_STORE_add_cert(v->keys_->roots.get(), cert.get());
    if (EVP_PKEY* key = X509_get_pubkey(cert.get())) {
      Owned<EVP_PKEY> owned(key);
      v->keys_->by_kid.emplace_back(LibtrustKeyId(SpkiDer(key)), std::move(owned));
    }
    ++count;
  }
  if (count == 0) {
    return InvalidArgument("--auth-token-rootcertbundle holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
  }
  // Go's x509 trusts every bundle certificate as an anchor, an intermediate included.
  X509_STORE_set_flags(v->keys_->roots.get(), X509_V_FLAG_PARTIAL_CHAIN);
  return v;
}

namespace {

// exp and nbf against `now` with the leeway; nullopt when the token is in date.
std::optional<TokenCheck> CheckDates(double t, double exp, std::optional<double> nbf) {
  const double leeway = static_cast<double>(kTokenLeeway.count());
  if (t > exp + leeway) return Refuse(TokenRefusal::kExpired, "the bearer token has expired: fetch a new one");
  if (nbf && t < *nbf - leeway) {
    return Refuse(TokenRefusal::kNotYetValid, "the bearer token is not valid yet (nbf; are the clocks in step?)");
  }
  return std::nullopt;
}

}  // namespace

TokenCheck TokenVerifier::Verify(std::string_view token, std::chrono::system_clock::time_point now) const {
  if (token.size() > kMaxBearerToken) {  // refused before it is hashed
    double exp = 0;
    std::optional<double> nbf;
    return VerifyUncached(token, now, exp, nbf);
  }
  unsigned char hash[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), hash);
  const std::string key(reinterpret_cast<const char*>(hash), sizeof hash);
  const double t = std::chrono::duration<double>(now.time_since_epoch()).count();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = verified_.find(key); it != verified_.end()) {
      if (auto refused = CheckDates(t, it->second.exp, it->second.nbf)) return std::move(*refused);
      TokenCheck ok;
      ok.token = it->second.token;
      return ok;
    }
  }
  double exp = 0;
  std::optional<double> nbf;
  TokenCheck check = VerifyUncached(token, now, exp, nbf);
  if (check.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (verified_.size() >= kMaxRememberedTokens) verified_.clear();
    verified_[key] = Remembered{*check.token, exp, nbf};
  }
  return check;
}

TokenCheck TokenVerifier::VerifyUncached(std::string_view token, std::chrono::system_clock::time_point now,
                                         double& exp_out, std::optional<double>& nbf_out) const {
  if (token.size() > kMaxBearerToken) {
    return Refuse(TokenRefusal::kTooLarge, "the bearer token is " + std::to_string(token.size()) +
                                               " bytes, over kMaxBearerToken (" + std::to_string(kMaxBearerToken) +
                                               " bytes)");
  }
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Refuse(TokenRefusal::kMalformed, "the bearer token is not a JWT (three dot-separated parts)");
  }
  const std::string_view signing_input = token.substr(0, dot2);
  auto header_text = DecodeBase64Url(token.substr(0, dot1));
  auto claims_text = DecodeBase64Url(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = DecodeBase64Url(token.substr(dot2 + 1));
  if (!header_text || !claims_text || !signature) {
    return Refuse(TokenRefusal::kMalformed, "the bearer token is not base64url in each of its three parts");
  }
  auto header = ParseJson(*header_text, {.reject_duplicate_keys = true});
  auto claims = ParseJson(*claims_text, {.reject_duplicate_keys = true});
  if (!header.ok() || !header->is_object() || !claims.ok() || !claims->is_object()) {
    return Refuse(TokenRefusal::kMalformed, "the bearer token's header or claims are not a JSON object");
  }

  auto alg_it = header->find("alg");
  if (alg_it == header->end() || !alg_it->is_string()) {
    return Refuse(TokenRefusal::kMalformed, "the bearer token's header names no alg");
  }
  const std::string& alg_name = alg_it->get_ref<const std::string&>();
  const Algorithm* alg = nullptr;
  for (const Algorithm& a : kAlgorithms) {
    if (alg_name == a.name) alg = &a;
  }
  if (!alg) {
    std::string shown = alg_name.substr(0, 16);
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    }
    return Refuse(TokenRefusal::kUnsupportedAlg,
                  "the bearer token's alg \"" + shown + "\" is not accepted (RS256/384/512 or ES256/384/512)");
  }

  // The signing key: the x5c chain's leaf, verified against the bundle, or a bundle key by kid.
  Owned<EVP_PKEY> chain_key;
  EVP_PKEY* key = nullptr;
  if (auto x5c = header->find("x5c"); x5c != header->end()) {
    if (!x5c->is_array() || x5c->empty() || x5c->size() > kMaxTokenChain) {
      return Refuse(TokenRefusal::kMalformed, "the bearer token's x5c is not a list of 1 to " +
                                                  std::to_string(kMaxTokenChain) + " certificates (kMaxTokenChain)");
    }
    std::vector<Owned<X509>> certs;
    for (const json& c : *x5c) {
      if (!c.is_string()) return Refuse(TokenRefusal::kMalformed, "the bearer token's x5c holds a non-string");
      auto der = DecodeBase64(c.get_ref<const std::string&>(), Base64Padding::kRequired);
      Owned<X509> cert = der ? ParseDer(*der) : nullptr;
      if (!cert) return Refuse(TokenRefusal::kMalformed, "the bearer token's x5c holds an unreadable certificate");
      certs.push_back(std::move(cert));
    }
    Owned<STACK_OF(X509)> untrusted(sk_X509_new_null());
    for (size_t i = 1; i < certs.size(); ++i) {
      if (sk_X509_push(untrusted.get(), certs[i].get()) <= 0) {
        return Refuse(TokenRefusal::kUntrustedKey, "out of memory checking the token's chain");
      }
      X509_up_ref(certs[i].get());
    }
    Owned<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), keys_->roots.get(), certs[0].get(), untrusted.get()) != 1) {
      return Refuse(TokenRefusal::kUntrustedKey, "out of memory checking the token's chain");
    }
    X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(now));
    if (X509_verify_cert(ctx.get()) != 1) {
      return Refuse(TokenRefusal::kUntrustedKey,
                    std::string("the bearer token's certificate chain does not end in --auth-token-rootcertbundle (") +
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())) + ")");
    }
    chain_key.reset(X509_get_pubkey(certs[0].get()));
    key = chain_key.get();
  } else if (auto kid = header->find("kid"); kid != header->end() && kid->is_string()) {
    for (const auto& [id, k] : keys_->by_kid) {
      if (id == kid->get_ref<const std::string&>()) key = k.get();
    }
    if (!key) return Refuse(TokenRefusal::kUntrustedKey, "the bearer token's kid names no key of --auth-token-rootcertbundle");
  } else {
    return Refuse(TokenRefusal::kUntrustedKey, "the bearer token names no signing key (neither x5c nor kid)");
  }
  if (!key) return Refuse(TokenRefusal::kUntrustedKey, "the bearer token's certificate holds no usable key");
  const bool rsa = EVP_PKEY_is_a(key, "RSA") == 1;
  const bool ec = EVP_PKEY_is_a(key, "EC") == 1;
  if (alg->rsa ? !rsa || EVP_PKEY_get_bits(key) < kMinRsaBits : !ec || EVP_PKEY_get_bits(key) != alg->ec_bits) {
    return Refuse(TokenRefusal::kUnsupportedAlg, std::string("the bearer token's alg ") + alg->name +
                                                     " does not fit its signing key (or an RSA key under " +
                                                     std::to_string(kMinRsaBits) + " bits)");
  }
  if (!VerifySignature(key, *alg, signing_input, *signature)) {
    return Refuse(TokenRefusal::kBadSignature, "the bearer token's signature does not verify");
  }

  // Signed by a trusted key: now the claims.
  const json& c = *claims;
  auto iss = c.find("iss");
  if (iss == c.end() || !iss->is_string() || iss->get_ref<const std::string&>() != options_.issuer) {
    return Refuse(TokenRefusal::kWrongIssuer, "the bearer token was not issued by " + options_.issuer +
                                                  " (--auth-token-issuer)");
  }
  bool audience = false;
  if (auto aud = c.find("aud"); aud != c.end()) {
    if (aud->is_string()) audience = aud->get_ref<const std::string&>() == options_.service;
    if (aud->is_array()) {
      for (const json& a : *aud) audience |= a.is_string() && a.get_ref<const std::string&>() == options_.service;
    }
  }
  if (!audience) {
    return Refuse(TokenRefusal::kWrongAudience, "the bearer token is not for the service " + options_.service +
                                                    " (--auth-token-service)");
  }
  bool dates_ok = true;
  auto exp = NumericDate(c, "exp", dates_ok);
  auto nbf = NumericDate(c, "nbf", dates_ok);
  if (!dates_ok || !exp) return Refuse(TokenRefusal::kMalformed, "the bearer token has no numeric exp (or a bad nbf)");
  const double t = std::chrono::duration<double>(now.time_since_epoch()).count();
  if (auto refused = CheckDates(t, *exp, nbf)) return std::move(*refused);
  exp_out = *exp;
  nbf_out = nbf;

  VerifiedToken out;
  if (auto sub = c.find("sub"); sub != c.end() && sub->is_string()) out.subject = sub->get<std::string>();
  if (auto access = c.find("access"); access != c.end()) {
    if (!access->is_array() && !access->is_null()) {
      return Refuse(TokenRefusal::kMalformed, "the bearer token's access claim is not a list");
    }
    if (access->is_array()) {
      for (const json& g : *access) {
        if (!g.is_object()) return Refuse(TokenRefusal::kMalformed, "the bearer token's access claim holds a non-object");
        TokenGrant grant;
        auto type = g.find("type");
        auto name = g.find("name");
        auto actions = g.find("actions");
        if (type == g.end() || !type->is_string() || name == g.end() || !name->is_string()) {
          return Refuse(TokenRefusal::kMalformed, "an entry of the bearer token's access claim has no type or name");
        }
        grant.type = type->get<std::string>();
        grant.name = name->get<std::string>();
        if (actions != g.end() && actions->is_array()) {
          for (const json& a : *actions) {
            if (a.is_string()) grant.actions.push_back(a.get<std::string>());
          }
        }
        out.access.push_back(std::move(grant));
      }
    }
  }
  TokenCheck ok;
  ok.token = std::move(out);
  return ok;
}

}  // namespace hoist::serve
