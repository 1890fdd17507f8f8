#pragma once
// A real CNCF Distribution registry (Debian's docker-registry) for one test, started by
// scripts/test-registry on a free 127.0.0.1 port with storage in its own temp dir.
//
//   HOIST_REQUIRE_REGISTRY(RegistryVariant::kTls);   // declares `registry`, or skips the test
//   Fetch(registry->url() + "/v2/", registry->ca_file());
//
// The test is skipped (a WARN, then return) only when the binary is missing; any other start
// failure fails the test with the registry's log.
//
// HOIST_TEST_REGISTRY=host:port makes kPlain use that external plain-http registry instead of
// starting one (the other variants still start their own): see docker-compose.test.yml. Such a
// registry cannot be restarted, its log is not readable, and it keeps what tests push. The destructor stops the registry, and a
// watchdog in the script stops it too if the test process dies without running destructors.

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

namespace hoist::testing {

// kToken, kTlsToken: Docker token auth against a TokenIssuer (support/token_issuer.h), which must
// be running first: Registry::Start(RegistryVariant::kToken, issuer.registry_options()). The
// issuer speaks plain http, so with kTlsToken its realm is an http URL on a TLS registry.
enum class RegistryVariant { kPlain, kTls, kHtpasswd, kTlsHtpasswd, kToken, kTlsToken };

// The script's name for a variant: "plain", "tls", "htpasswd", "tls-htpasswd", "token",
// "tls-token".
std::string_view VariantName(RegistryVariant variant);

// What some variants need besides their name.
struct RegistryStartOptions {
  std::string token_realm;  // kToken: the issuer's token URL
  std::string token_cert;   // kToken: PEM certificate the issuer signs with
};

class Registry {
 public:
  using Variant = RegistryVariant;

  // Starts a registry; nullptr only when the binary is missing (see MissingMessage()).
  // Any other failure FAILs the current test, with the script's output and the registry log.
  static std::unique_ptr<Registry> Start(Variant variant);
  static std::unique_ptr<Registry> Start(Variant variant, const RegistryStartOptions& options);

  // The binary the script runs: $HOIST_REGISTRY_BIN or /usr/bin/docker-registry.
  static std::string BinaryPath();
  static bool BinaryAvailable();
  static std::string MissingMessage();

  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Variant variant() const { return variant_; }
  const std::string& host() const { return host_; }          // "127.0.0.1:PORT"
  const std::string& url() const { return url_; }            // "http[s]://127.0.0.1:PORT"
  const std::string& ca_file() const { return ca_file_; }    // PEM of the test CA; empty without TLS
  const std::string& user() const { return user_; }          // empty without htpasswd
  const std::string& password() const { return password_; }  // empty without htpasswd
  const std::string& dir() const { return dir_.path(); }     // config.yml, data/, registry.log, …
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // The registry's whole log so far (for failure messages).
  std::string Log() const;

  // Stops and starts it again: same port, config, http.secret and data. FAILs the test on error
  // (always for an external registry).
  void Restart();
  // True when it is the HOIST_TEST_REGISTRY one, not ours.
  bool external() const { return external_; }

 private:
  explicit Registry(Variant variant) : variant_(variant) {}
  // Runs scripts/test-registry with `args`; true on success. Fills `output` either way.
  bool RunScript(const std::string& args, std::string& output) const;
  // Reads the script's KEY=VALUE lines into the fields; false if one is missing.
  bool Parse(const std::string& output);
  [[noreturn]] void Fail(const std::string& what, const std::string& output) const;

  TempDir dir_;
  Variant variant_;
  std::string host_, url_, ca_file_, user_, password_;
  int port_ = 0;
  pid_t pid_ = 0;
  bool external_ = false;
};

}  // namespace hoist::testing

// Declares `std::unique_ptr<Registry> name` running `variant`, or skips the test (WARN + return)
// when docker-registry is not installed.
#define HOIST_REQUIRE_REGISTRY_AS(name, variant)                          \
  auto name = ::hoist::testing::Registry::Start(variant);                 \
  if (!name) {                                                            \
    WARN("SKIPPED: " << ::hoist::testing::Registry::MissingMessage());    \
    return;                                                               \
  }

// The common case: one registry named `registry`.
#define HOIST_REQUIRE_REGISTRY(variant) HOIST_REQUIRE_REGISTRY_AS(registry, variant)
