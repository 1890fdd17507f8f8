#pragma once
// Shared by the fault tests: a real registry with the fault proxy (support/fault_proxy.h) in
// front of it, and the client's HTTP stack pointed at the proxy (curl → request counter → retry
// → auth when credentials are given), the proxy named insecure as a user would name it.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "core/descriptor.h"
#include "integration/registry_client_support.h"
#include "registry/auth/auth_transport.h"
#include "registry/auth/credential.h"
#include "support/fault_proxy.h"
#include "support/pattern_blob.h"

namespace hoist::testing {

struct ProxyStackOptions {
  std::optional<registry::Credential> credential;
  std::vector<std::string> scopes;
  int max_tries = 8;
  std::chrono::seconds low_speed_time{30};
  std::string ca_file;
  bool insecure = true;  // the stack's registry may speak plain http (and its realm too)
};

// curl → CountingClient → RetryingClient (10 ms backoff) → AuthTransport (when a credential or
// scopes are given), for `registry_host` ("127.0.0.1:PORT", as Authorization is scoped).
class ProxyStack : public registry::HttpClient {
 public:
  ProxyStack(const std::string& registry_host, const ProxyStackOptions& o) {
    registry::HttpClientOptions options;
    options.tls.cert_dirs = {};
    options.tls.ca_file = o.ca_file;
    options.low_speed_limit = 1024;
    options.low_speed_time = o.low_speed_time;
    curl_ = std::make_shared<registry::CurlClient>(options);
    counter_ = std::make_unique<CountingClient>(*curl_);
    registry::RetryPolicy policy;
    policy.max_tries = o.max_tries;
    policy.base_delay = std::chrono::milliseconds(10);
    policy.max_delay = std::chrono::milliseconds(200);
    retry_ = std::make_shared<registry::RetryingClient>(*counter_, policy);
    top_ = retry_;
    if (o.credential || !o.scopes.empty()) {
      registry::AuthConfig auth;
      auth.registry = registry_host;
      auth.insecure = o.insecure;
      auth.scopes = o.scopes;
      auth.credential = o.credential;
      top_ = std::make_shared<registry::AuthTransport>(retry_, std::move(auth));
    }
  }
  Result<registry::Response> Do(registry::Request& req) override { return top_->Do(req); }
  int calls() const { return counter_->calls.load(); }

 private:
  std::shared_ptr<registry::CurlClient> curl_;
  std::unique_ptr<CountingClient> counter_;
  std::shared_ptr<registry::RetryingClient> retry_;
  std::shared_ptr<registry::HttpClient> top_;
};

inline registry::Repository OpenAt(const std::string& base_url,
                                   std::shared_ptr<registry::HttpClient> http,
                                   const std::string& name) {
  Result<registry::Repository> repo = registry::Repository::Open(std::move(http), base_url, name);
  REQUIRE(repo.ok());
  return std::move(repo).value();
}

// Downloads the blob and compares it byte by byte with the pattern.
inline void ExpectPatternBlob(const registry::Repository& repo, uint64_t size, uint64_t seed) {
  Digest digest = PatternBlob::DigestOf(size, seed);
  PatternCheckingSink sink(size, seed);
  Status got = repo.GetBlob(digest, sink, {.expected_size = static_cast<int64_t>(size)});
  INFO("blob of " << size << " bytes, seed " << seed << ": " << Describe(got));
  REQUIRE(got.ok());
  CHECK(sink.exact());
}

// A layer descriptor for the pattern blob of `size` bytes and `seed`.
inline Descriptor PatternDescriptor(uint64_t size, uint64_t seed) {
  Descriptor d;
  d.media_type = "application/vnd.oci.image.layer.v1.tar";
  d.digest = PatternBlob::DigestOf(size, seed);
  d.size = static_cast<int64_t>(size);
  return d;
}

// How many exchanges the proxy saw whose fault description starts with `prefix`.
inline size_t FaultsLike(const FaultProxy& proxy, const std::string& prefix) {
  size_t n = 0;
  for (const auto& ex : proxy.exchanges()) {
    if (ex.fault.rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

}  // namespace hoist::testing
