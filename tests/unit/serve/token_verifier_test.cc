// --auth-token-*: the JWT verifier and the access each request needs, with keys and certificates
// made here (OpenSSL), as a token issuer would make them.

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "serve/route.h"
#include "serve/token_auth.h"
#include "serve/token_verifier.h"

using hoist::serve::TokenRefusal;
using hoist::serve::TokenVerifier;
using nlohmann::json;
using Clock = std::chrono::system_clock;

namespace {

std::string Base64Url(std::string_view bytes) {
  std::string s = hoist::EncodeBase64(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

// A key and its certificate, self-signed or signed by `ca`.
struct Identity {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  Identity(bool rsa, const char* cn, const Identity* ca = nullptr, bool is_ca = false) {
    key = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
    REQUIRE(key);
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(ca ? ca->cert : cert));
    if (is_ca) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE");
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    REQUIRE(X509_sign(cert, ca ? ca->key : key, EVP_sha256()) > 0);
  }
  ~Identity() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  std::string Pem() const {
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, cert);
    char* d = nullptr;
    long n = BIO_get_mem_data(b, &d);
    std::string out(d, static_cast<size_t>(n));
    BIO_free(b);
    return out;
  }
  std::string DerB64() const {
    unsigned char* der = nullptr;
    int n = i2d_X509(cert, &der);
    std::string out = hoist::EncodeBase64(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(n)));
    OPENSSL_free(der);
    return out;
  }
  std::string Spki() const {
    unsigned char* der = nullptr;
    int n = i2d_PUBKEY(key, &der);
    std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
    OPENSSL_free(der);
    return out;
  }
  // The JWS signature of `input` (ECDSA as r || s).
  std::string Sign(const std::string& input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    REQUIRE(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
    REQUIRE(EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
    std::string sig(len, '\0');
    REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
    sig.resize(len);
    EVP_MD_CTX_free(ctx);
    if (EVP_PKEY_is_a(key, "RSA")) return sig;
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    unsigned char raw[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32);
    ECDSA_SIG_free(es);
    return std::string(reinterpret_cast<char*>(raw), 64);
  }
};

const Identity& EcIssuer() {
  static Identity id(false, "ec issuer");
  return id;
}
const Identity& RsaCa() {
  static Identity id(true, "rsa ca", nullptr, true);
  return id;
}
const Identity& RsaLeaf() {
  static Identity id(true, "rsa leaf", &RsaCa());
  return id;
}

int64_t Now() { return static_cast<int64_t>(Clock::to_time_t(Clock::now())); }

json Claims() {
  return {{"iss", "test-issuer"},
          {"sub", "alice"},
          {"aud", "test-service"},
          {"exp", Now() + 300},
          {"nbf", Now() - 1},
          {"access", {{{"type", "repository"}, {"name", "team/app"}, {"actions", {"pull"}}}}}};
}

std::string Token(const Identity& signer, json header, const json& claims) {
  std::string input = Base64Url(header.dump()) + "." + Base64Url(claims.dump());
  return input + "." + Base64Url(signer.Sign(input));
}

std::string EcToken(const json& claims = Claims()) {
  return Token(EcIssuer(), {{"typ", "JWT"}, {"alg", "ES256"}, {"x5c", {EcIssuer().DerB64()}}}, claims);
}

std::unique_ptr<TokenVerifier> Verifier(const std::string& bundle = EcIssuer().Pem() + RsaCa().Pem()) {
  auto v = TokenVerifier::Create({"https://auth.example/token", "test-service", "test-issuer", bundle});
  REQUIRE(v.ok());
  return std::move(*v);
}

TokenRefusal RefusalOf(const std::string& token) {
  auto check = Verifier()->Verify(token);
  INFO(check.message);
  REQUIRE_FALSE(check.ok());
  CHECK(check.message.find(token.substr(0, 40)) == std::string::npos);
  return check.refusal;
}

}  // namespace

TEST_CASE("token verifier: an ES256 token whose x5c is a bundle certificate holds, with its access") {
  auto check = Verifier()->Verify(EcToken());
  INFO(check.message);
  REQUIRE(check.ok());
  CHECK(check.token->subject == "alice");
  CHECK(check.token->Allows("repository", "team/app", "pull"));
  CHECK_FALSE(check.token->Allows("repository", "team/app", "push"));
  CHECK_FALSE(check.token->Allows("repository", "team/other", "pull"));
}

TEST_CASE("token verifier: an RS256 token whose x5c leaf chains to a bundle CA holds and aud may be a list") {
  json claims = Claims();
  claims["aud"] = {"other", "test-service"};
  claims["access"] = {{{"type", "registry"}, {"name", "catalog"}, {"actions", {"*"}}}};
  std::string token = Token(RsaLeaf(), {{"alg", "RS256"}, {"x5c", {RsaLeaf().DerB64(), RsaCa().DerB64()}}}, claims);
  auto check = Verifier()->Verify(token);
  INFO(check.message);
  REQUIRE(check.ok());
  CHECK(check.token->Allows("registry", "catalog", "*"));
  // The same chain against a bundle without the CA.
  CHECK(Verifier(EcIssuer().Pem())->Verify(token).refusal == TokenRefusal::kUntrustedKey);
}

TEST_CASE("token verifier: a kid naming a bundle key (libtrust key ID) holds but an unknown kid does not") {
  const std::string kid = hoist::serve::LibtrustKeyId(EcIssuer().Spki());
  CHECK(kid.size() == 12 * 4 + 11);
  CHECK(kid[4] == ':');
  CHECK(Verifier()->Verify(Token(EcIssuer(), {{"alg", "ES256"}, {"kid", kid}}, Claims())).ok());
  CHECK(RefusalOf(Token(EcIssuer(), {{"alg", "ES256"}, {"kid", "AAAA:BBBB"}}, Claims())) ==
        TokenRefusal::kUntrustedKey);
  CHECK(RefusalOf(Token(EcIssuer(), {{"alg", "ES256"}}, Claims())) == TokenRefusal::kUntrustedKey);
}

TEST_CASE("token verifier: alg none, HS256 and an alg that does not fit the key are refused") {
  const std::string header_none = Base64Url(json{{"alg", "none"}, {"x5c", {EcIssuer().DerB64()}}}.dump());
  CHECK(RefusalOf(header_none + "." + Base64Url(Claims().dump()) + ".") == TokenRefusal::kUnsupportedAlg);
  CHECK(RefusalOf(Token(EcIssuer(), {{"alg", "HS256"}, {"x5c", {EcIssuer().DerB64()}}}, Claims())) ==
        TokenRefusal::kUnsupportedAlg);
  CHECK(RefusalOf(Token(EcIssuer(), {{"alg", "RS256"}, {"x5c", {EcIssuer().DerB64()}}}, Claims())) ==
        TokenRefusal::kUnsupportedAlg);
}

TEST_CASE("token verifier: a changed claim or signature, or a certificate outside the bundle, is refused") {
  std::string token = EcToken();
  std::string tampered = token;
  size_t dot = tampered.find('.');
  std::string other = Base64Url([] {
    json c = Claims();
    c["access"][0]["actions"] = {"pull", "push"};
    return c.dump();
  }());
  tampered = token.substr(0, dot + 1) + other + token.substr(token.rfind('.'));
  CHECK(RefusalOf(tampered) == TokenRefusal::kBadSignature);
  std::string bad_sig = token;
  bad_sig[bad_sig.size() - 5] = bad_sig[bad_sig.size() - 5] == 'A' ? 'B' : 'A';
  CHECK(RefusalOf(bad_sig) == TokenRefusal::kBadSignature);
  Identity stranger(false, "stranger");
  CHECK(RefusalOf(Token(stranger, {{"alg", "ES256"}, {"x5c", {stranger.DerB64()}}}, Claims())) ==
        TokenRefusal::kUntrustedKey);
  // A stranger's signature under a trusted certificate.
  CHECK(RefusalOf(Token(stranger, {{"alg", "ES256"}, {"x5c", {EcIssuer().DerB64()}}}, Claims())) ==
        TokenRefusal::kBadSignature);
}

TEST_CASE("token verifier: wrong issuer or audience, expiry and nbf are refused, within 60 s of leeway") {
  json c = Claims();
  c["iss"] = "someone-else";
  CHECK(RefusalOf(EcToken(c)) == TokenRefusal::kWrongIssuer);
  c = Claims();
  c["aud"] = {"other"};
  CHECK(RefusalOf(EcToken(c)) == TokenRefusal::kWrongAudience);
  c = Claims();
  c.erase("aud");
  CHECK(RefusalOf(EcToken(c)) == TokenRefusal::kWrongAudience);
  c = Claims();
  c["exp"] = Now() - 90;
  CHECK(RefusalOf(EcToken(c)) == TokenRefusal::kExpired);
  c["exp"] = Now() - 30;  // within the leeway
  CHECK(Verifier()->Verify(EcToken(c)).ok());
  c = Claims();
  c.erase("exp");
  CHECK(RefusalOf(EcToken(c)) == TokenRefusal::kMalformed);
  c = Claims();
  c["nbf"] = Now() + 600;
  CHECK(RefusalOf(EcToken(c)) == TokenRefusal::kNotYetValid);
  // The verifier's own clock is the one that counts, also for a token it has verified before.
  auto verifier = Verifier();
  const std::string token = EcToken();
  CHECK(verifier->Verify(token).ok());
  CHECK(verifier->Verify(token).ok());
  CHECK(verifier->Verify(token, Clock::now() + std::chrono::hours(1)).refusal == TokenRefusal::kExpired);
  CHECK(verifier->Verify(token, Clock::now() - std::chrono::hours(1)).refusal == TokenRefusal::kNotYetValid);
}

TEST_CASE("token verifier: bad base64, bad JSON and an oversized token are refused, naming the limit") {
  CHECK(RefusalOf("not-a-jwt") == TokenRefusal::kMalformed);
  CHECK(RefusalOf("a.b.c.d") == TokenRefusal::kMalformed);
  CHECK(RefusalOf("e30.e30.!!!") == TokenRefusal::kMalformed);
  CHECK(RefusalOf("e30=.e30.AA") == TokenRefusal::kMalformed);
  CHECK(RefusalOf(Base64Url("[1]") + ".e30.AA") == TokenRefusal::kMalformed);
  CHECK(RefusalOf(Base64Url(R"({"alg":"ES256","x5c":["!"]})") + ".e30.AA") == TokenRefusal::kMalformed);
  CHECK(RefusalOf(Base64Url(R"({"alg":"ES256","x5c":["AAAA"]})") + ".e30.AA") == TokenRefusal::kMalformed);
  auto check = Verifier()->Verify(std::string(hoist::serve::kMaxBearerToken + 1, 'a'));
  CHECK(check.refusal == TokenRefusal::kTooLarge);
  CHECK(check.message.find("kMaxBearerToken") != std::string::npos);
}

TEST_CASE("token verifier: a bundle without a certificate is refused at start, naming the flag") {
  auto v = TokenVerifier::Create({"https://a/token", "s", "i", "not pem"});
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message().find("--auth-token-rootcertbundle") != std::string::npos);
}

TEST_CASE("token auth: the challenge names realm, service and the scope the request needs") {
  using hoist::serve::Request;
  auto verifier = Verifier();
  auto challenge = [&](const std::string& method, const std::string& path, const std::string& auth = "") {
    Request req;
    req.method = method;
    req.path = path;
    if (!auth.empty()) req.headers["authorization"] = auth;
    auto refused = hoist::serve::AuthorizeBearer(*verifier, req, hoist::serve::ParseRoute(path));
    if (!refused) return std::string("allowed as " + req.user);
    CHECK(refused->status == 401);
    CHECK(refused->body.find("UNAUTHORIZED") != std::string::npos);
    for (const auto& [k, v] : refused->headers) {
      if (k == "WWW-Authenticate") return v;
    }
    return std::string("no challenge");
  };
  CHECK(challenge("POST", "/v2/team/app/blobs/uploads/") ==
        R"(Bearer realm="https://auth.example/token",service="test-service",scope="repository:team/app:pull,push")");
  CHECK(challenge("HEAD", "/v2/team/app/manifests/v1") ==
        R"(Bearer realm="https://auth.example/token",service="test-service",scope="repository:team/app:pull")");
  CHECK(challenge("GET", "/v2/_catalog") ==
        R"(Bearer realm="https://auth.example/token",service="test-service",scope="registry:catalog:*")");
  CHECK(challenge("GET", "/v2/") == R"(Bearer realm="https://auth.example/token",service="test-service")");
  const std::string bearer = "Bearer " + EcToken();
  CHECK(challenge("GET", "/v2/", bearer) == "allowed as alice");
  CHECK(challenge("GET", "/v2/team/app/manifests/v1", bearer) == "allowed as alice");
  CHECK(challenge("PUT", "/v2/team/app/manifests/v1", bearer).find(R"(error="insufficient_scope")") !=
        std::string::npos);
  CHECK(challenge("DELETE", "/v2/team/app/manifests/v1", bearer).find("repository:team/app:delete") !=
        std::string::npos);
  CHECK(challenge("GET", "/v2/_catalog", bearer).find("insufficient_scope") != std::string::npos);
  CHECK(challenge("GET", "/v2/", "Bearer x.y.z").find(R"(error="invalid_token")") != std::string::npos);
}

TEST_CASE("token auth: a mount needs pull on the repository it mounts from") {
  hoist::serve::Request req;
  req.method = "POST";
  req.path = "/v2/team/app/blobs/uploads/";
  req.query = {{"mount", "sha256:00"}, {"from", "team/base"}};
  auto needed = hoist::serve::RequiredAccess(req, hoist::serve::ParseRoute(req.path));
  CHECK(hoist::serve::ScopeParameter(needed) == "repository:team/app:pull,push repository:team/base:pull");
}
