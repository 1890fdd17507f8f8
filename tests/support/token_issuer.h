#pragma once
// A small token server for tests: Docker's token authentication for the real registry.
// It makes an EC P-256 key and a self-signed certificate (cert_file(), the registry's
// rootcertbundle), listens on 127.0.0.1:<free port>/token and answers
//   GET  /token?service=S&scope=…[&account=U]    (Basic credentials, or none: anonymous)
//   POST /token  grant_type=password|refresh_token (distribution's OAuth2 form)
// with {"token","access_token","expires_in","issued_at"[,"refresh_token"]}. Tokens are ES256
// JWTs whose header carries the certificate (x5c) and whose "access" claim holds what the test
// policy grants of the scopes asked for. Every request is recorded.
//
//   TokenIssuer issuer;
//   issuer.AddUser("alice", "pw");
//   issuer.Allow("", "*", {"pull"});            // anonymous pull everywhere
//   issuer.Allow("alice", "*", {"pull", "push"});
//   auto registry = Registry::Start(RegistryVariant::kToken, issuer.registry_options());

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "support/tiny_http_server.h"

namespace hoist::testing {

struct RegistryStartOptions;

class TokenIssuer {
 public:
  static constexpr const char* kService = "hoist-test";
  static constexpr const char* kIssuer = "hoist-test-issuer";
  // distribution accepts a token up to 60 s past its exp (and before its nbf): clock leeway.
  static constexpr std::chrono::seconds kRegistryLeeway{60};

  TokenIssuer();  // throws std::runtime_error if the key or the server cannot be made
  ~TokenIssuer();
  TokenIssuer(const TokenIssuer&) = delete;
  TokenIssuer& operator=(const TokenIssuer&) = delete;

  std::string realm() const;                            // "http://127.0.0.1:PORT/token"
  const std::string& cert_file() const { return cert_file_; }  // PEM certificate
  RegistryStartOptions registry_options() const;

  // --- policy
  void AddUser(std::string name, std::string password);
  // An identity token (OAuth refresh token) that stands for `user`.
  void AddRefreshToken(std::string refresh_token, std::string user);
  // Grants `actions` ("pull", "push", "delete", "*") to `who` ("" anonymous, "*" any user who
  // logged in, else a user name) on repository `repo` (a name or "*"); for other resource types
  // name them "TYPE:NAME" ("registry:catalog").
  void Allow(std::string who, std::string repo, std::vector<std::string> actions);
  // How long a token is good for at the registry (its exp is moved back by the registry's
  // leeway so that it really expires then); also the expires_in answered. Default 300 s.
  void SetLifetime(std::chrono::seconds lifetime);

  // --- what happened
  std::vector<HttpExchange> requests() const { return server_->requests(); }
  size_t token_requests() const;  // requests answered with a token
  std::vector<std::string> issued_tokens() const;
  // The decoded claims of the last token issued ("" before the first).
  std::string last_claims() const;

 private:
  struct Grant {
    std::string who, resource;
    std::vector<std::string> actions;
  };
  TinyResponse Handle(const HttpExchange& ex);
  std::string Sign(const std::string& header_and_claims) const;

  TempDir dir_;
  std::string cert_file_;
  std::string cert_der_b64_;
  void* key_ = nullptr;  // EVP_PKEY*, kept out of this header

  mutable std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> users_;
  std::vector<std::pair<std::string, std::string>> refresh_tokens_;
  std::vector<Grant> grants_;
  std::chrono::seconds lifetime_{300};
  size_t token_requests_ = 0;
  std::vector<std::string> issued_;
  std::string last_claims_;

  std::unique_ptr<TinyHttpServer> server_;  // last: stops before the rest goes
};

}  // namespace hoist::testing
