#include "support/token_issuer.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/registry_fixture.h"

namespace hoist::testing {

namespace {

using nlohmann::json;

EVP_PKEY* Key(void* p) { return static_cast<EVP_PKEY*>(p); }

std::string Base64(const unsigned char* data, size_t n, bool url) {
  static const char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static const char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const char* a = url ? kUrl : kStd;
  std::string out;
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += {a[v >> 18], a[(v >> 12) & 63], a[(v >> 6) & 63], a[v & 63]};
  }
  if (i + 1 == n) {
    uint32_t v = uint32_t{data[i]} << 16;
    out += {a[v >> 18], a[(v >> 12) & 63]};
    if (!url) out += "==";
  } else if (i + 2 == n) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out += {a[v >> 18], a[(v >> 12) & 63], a[(v >> 6) & 63]};
    if (!url) out += '=';
  }
  return out;
}

std::string Base64Url(const std::string& s) {
  return Base64(reinterpret_cast<const unsigned char*>(s.data()), s.size(), true);
}

std::string Base64StdDecode(const std::string& in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else break;  // '=' or junk ends it
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::multimap<std::string, std::string> ParseForm(std::string_view s) {
  std::multimap<std::string, std::string> out;
  while (!s.empty()) {
    size_t amp = s.find('&');
    std::string_view pair = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name = UrlDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

std::string First(const std::multimap<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? "" : it->second;
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) out += {kHex[c >> 4], kHex[c & 15]};
  return out;
}

std::string Rfc3339(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TinyResponse JsonResponse(int status, const json& body) {
  TinyResponse r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = body.dump();
  return r;
}

// "TYPE:NAME:a,b" → {"TYPE:NAME" (repository: just NAME), actions}; NAME may hold ':'.
bool SplitScope(const std::string& scope, std::string& type, std::string& name,
                std::vector<std::string>& actions) {
  size_t first = scope.find(':');
  size_t last = scope.rfind(':');
  if (first == std::string::npos || first == last) return false;
  type = scope.substr(0, first);
  name = scope.substr(first + 1, last - first - 1);
  std::string list = scope.substr(last + 1);
  for (size_t i = 0; i <= list.size();) {
    size_t j = std::min(list.find(',', i), list.size());
    if (j > i) actions.push_back(list.substr(i, j - i));
    i = j + 1;
  }
  return true;
}

}  // namespace

TokenIssuer::TokenIssuer() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("token issuer: EC key generation failed");
  key_ = key;
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 7 * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("hoist test token issuer"), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  bool ok = X509_sign(cert, key, EVP_sha256()) > 0;
  unsigned char* der = nullptr;
  int der_len = ok ? i2d_X509(cert, &der) : -1;
  BIO* pem = BIO_new(BIO_s_mem());
  ok = ok && der_len > 0 && PEM_write_bio_X509(pem, cert) == 1;
  if (ok) {
    cert_der_b64_ = Base64(der, static_cast<size_t>(der_len), false);
    char* data = nullptr;
    long n = BIO_get_mem_data(pem, &data);
    cert_file_ = dir_ / "token.crt";
    WriteFile(cert_file_, std::string(data, static_cast<size_t>(n)));
  }
  OPENSSL_free(der);
  BIO_free(pem);
  X509_free(cert);
  if (!ok) {
    EVP_PKEY_free(key);
    throw std::runtime_error("token issuer: could not make its certificate");
  }
  server_ = std::make_unique<TinyHttpServer>([this](const HttpExchange& ex) { return Handle(ex); });
}

TokenIssuer::~TokenIssuer() {
  server_.reset();  // no handler runs past this point
  EVP_PKEY_free(Key(key_));
}

std::string TokenIssuer::realm() const { return server_->url("/token"); }

RegistryStartOptions TokenIssuer::registry_options() const {
  RegistryStartOptions o;
  o.token_realm = realm();
  o.token_cert = cert_file_;
  return o;
}

void TokenIssuer::AddUser(std::string name, std::string password) {
  std::lock_guard<std::mutex> lock(mu_);
  users_.emplace_back(std::move(name), std::move(password));
}

void TokenIssuer::AddRefreshToken(std::string refresh_token, std::string user) {
  std::lock_guard<std::mutex> lock(mu_);
  refresh_tokens_.emplace_back(std::move(refresh_token), std::move(user));
}

void TokenIssuer::Allow(std::string who, std::string repo, std::vector<std::string> actions) {
  std::lock_guard<std::mutex> lock(mu_);
  grants_.push_back(Grant{std::move(who), std::move(repo), std::move(actions)});
}

void TokenIssuer::SetLifetime(std::chrono::seconds lifetime) {
  std::lock_guard<std::mutex> lock(mu_);
  lifetime_ = lifetime;
}

size_t TokenIssuer::token_requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return token_requests_;
}

std::vector<std::string> TokenIssuer::issued_tokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return issued_;
}

std::string TokenIssuer::last_claims() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_claims_;
}

std::string TokenIssuer::Sign(const std::string& input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  std::string der;
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, Key(key_)) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (ok) {
    der.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    der.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("token issuer: signing failed");
  // JWS wants r || s, 32 bytes each, not the DER sequence OpenSSL makes.
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) throw std::runtime_error("token issuer: bad ECDSA signature");
  unsigned char raw[64];
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
  ECDSA_SIG_free(sig);
  return Base64(raw, sizeof raw, true);
}

TinyResponse TokenIssuer::Handle(const HttpExchange& ex) {
  std::string path = ex.target.substr(0, ex.target.find('?'));
  if (path != "/token") return JsonResponse(404, {{"details", "not found"}});
  std::multimap<std::string, std::string> params;
  if (ex.method == "GET") {
    size_t q = ex.target.find('?');
    if (q != std::string::npos) params = ParseForm(std::string_view(ex.target).substr(q + 1));
  } else if (ex.method == "POST") {
    params = ParseForm(ex.body);
  } else {
    return JsonResponse(405, {{"details", "method not allowed"}});
  }

  std::lock_guard<std::mutex> lock(mu_);
  auto password_ok = [&](const std::string& user, const std::string& pw) {
    return std::any_of(users_.begin(), users_.end(),
                       [&](const auto& u) { return u.first == user && u.second == pw; });
  };
  std::string subject;  // "" anonymous
  bool authenticated = false;
  if (ex.method == "POST") {
    std::string grant = First(params, "grant_type");
    if (grant == "refresh_token") {
      std::string rt = First(params, "refresh_token");
      auto it = std::find_if(refresh_tokens_.begin(), refresh_tokens_.end(),
                             [&](const auto& r) { return r.first == rt; });
      if (it == refresh_tokens_.end()) {
        return JsonResponse(401, {{"error", "invalid_grant"}, {"details", "unknown refresh token"}});
      }
      subject = it->second;
    } else if (grant == "password") {
      if (!password_ok(First(params, "username"), First(params, "password"))) {
        return JsonResponse(401, {{"details", "incorrect username or password"}});
      }
      subject = First(params, "username");
    } else {
      return JsonResponse(400, {{"error", "unsupported_grant_type"}});
    }
    authenticated = true;
  } else if (auto auth = ex.Header("Authorization")) {
    if (auth->rfind("Basic ", 0) != 0) return JsonResponse(401, {{"details", "Basic only"}});
    std::string decoded = Base64StdDecode(auth->substr(6));
    size_t colon = decoded.find(':');
    std::string user = decoded.substr(0, colon);
    if (colon == std::string::npos || !password_ok(user, decoded.substr(colon + 1))) {
      return JsonResponse(401, {{"details", "incorrect username or password"}});
    }
    subject = user;
    authenticated = true;
  }
  if (First(params, "service") != kService) {
    return JsonResponse(400, {{"details", "unknown service"}});
  }

  // Scopes: GET repeats "scope"; the OAuth form joins them with spaces.
  json access = json::array();
  auto range = params.equal_range("scope");
  for (auto it = range.first; it != range.second; ++it) {
    std::string list = it->second;
    for (size_t i = 0; i <= list.size();) {
      size_t j = std::min(list.find(' ', i), list.size());
      std::string scope = list.substr(i, j - i);
      i = j + 1;
      std::string type, name;
      std::vector<std::string> wanted;
      if (scope.empty() || !SplitScope(scope, type, name, wanted)) continue;
      std::string resource = type == "repository" ? name : type + ":" + name;
      std::vector<std::string> granted;
      for (const Grant& g : grants_) {
        bool who = g.who == subject || (g.who == "*" && authenticated);
        bool what = g.resource == resource || (g.resource == "*" && type == "repository");
        if (!who || !what) continue;
        for (const std::string& a : wanted) {
          bool allowed = std::find(g.actions.begin(), g.actions.end(), a) != g.actions.end() ||
                         std::find(g.actions.begin(), g.actions.end(), "*") != g.actions.end();
          if (allowed && std::find(granted.begin(), granted.end(), a) == granted.end()) {
            granted.push_back(a);
          }
        }
      }
      if (!granted.empty()) access.push_back({{"type", type}, {"name", name}, {"actions", granted}});
    }
  }

  std::time_t now = std::time(nullptr);
  int64_t life = lifetime_.count();
  json header = {{"typ", "JWT"}, {"alg", "ES256"}, {"x5c", {cert_der_b64_}}};
  json claims = {{"iss", kIssuer},
                 {"sub", subject},
                 {"aud", kService},
                 {"exp", now + life - kRegistryLeeway.count()},
                 {"nbf", now - 1},
                 {"iat", now},
                 {"jti", RandomHex(16)},
                 {"access", access}};
  std::string input = Base64Url(header.dump()) + "." + Base64Url(claims.dump());
  std::string token = input + "." + Sign(input);
  ++token_requests_;
  issued_.push_back(token);
  last_claims_ = claims.dump();
  json body = {{"token", token},
               {"access_token", token},
               {"expires_in", life},
               {"issued_at", Rfc3339(now)}};
  return JsonResponse(200, body);
}

}  // namespace hoist::testing
