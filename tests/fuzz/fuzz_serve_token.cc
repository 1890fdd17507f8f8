// hoist serve's Bearer token verifier on arbitrary bytes. An input starting with 'R' is a raw
// Authorization token; otherwise its lines are the JWT header JSON, the claims JSON and the
// signature bytes, base64url-encoded here so the fuzzer reaches the JSON, x5c and claim checks.
// No input may crash, be accepted (nobody here holds the bundle's key), or yield an empty or
// unbounded message.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "core/base64.h"
#include "serve/token_verifier.h"

namespace {

void Require(bool ok, const char* what, size_t size) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_serve_token: %s for input of %zu bytes\n", what, size);
  std::abort();
}

// A bundle of one self-signed P-256 certificate, made once.
const hoist::serve::TokenVerifier& Verifier() {
  static std::unique_ptr<hoist::serve::TokenVerifier> v = [] {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_sign(cert, key, EVP_sha256());
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, cert);
    char* d = nullptr;
    long n = BIO_get_mem_data(b, &d);
    std::string pem(d, static_cast<size_t>(n));
    BIO_free(b);
    X509_free(cert);
    EVP_PKEY_free(key);
    auto made = hoist::serve::TokenVerifier::Create({"https://auth/token", "svc", "iss", pem});
    if (!made.ok()) std::abort();
    return std::move(*made);
  }();
  return *v;
}

std::string Base64Url(std::string_view bytes) {
  std::string s = hoist::EncodeBase64(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string token;
  if (!in.empty() && in[0] == 'R') {
    token = std::string(in.substr(1));
  } else {
    size_t a = in.find('\n');
    size_t b = a == std::string_view::npos ? a : in.find('\n', a + 1);
    std::string_view header = in.substr(0, a);
    std::string_view claims = a == std::string_view::npos ? "" : in.substr(a + 1, b == std::string_view::npos ? b : b - a - 1);
    std::string_view sig = b == std::string_view::npos ? "" : in.substr(b + 1);
    token = Base64Url(header) + "." + Base64Url(claims) + "." + Base64Url(sig);
  }
  auto check = Verifier().Verify(token, std::chrono::system_clock::now());
  Require(!check.ok(), "a token not signed by the bundle's key was accepted", size);
  Require(!check.message.empty(), "empty refusal message", size);
  Require(check.message.size() < 1024, "refusal message too long", size);
  return 0;
}
