#pragma once
// Shared by the registry client's integration tests: an HTTP stack for a test registry (curl →
// request counter → retry → auth for htpasswd variants), and deterministic blob content that is
// generated as it streams, so big blobs are never held in memory.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "core/digest.h"
#include "core/io.h"
#include "registry/auth/auth_transport.h"
#include "registry/client/registry_api.h"
#include "registry/client/repository.h"
#include "registry/http/curl_client.h"
#include "registry/retry.h"
#include "support/pattern_blob.h"
#include "support/registry_fixture.h"

namespace hoist::testing {

// Counts the requests that reach the wire (under the retry layer, so retries are counted).
class CountingClient : public registry::HttpClient {
 public:
  explicit CountingClient(registry::HttpClient& inner) : inner_(inner) {}
  Result<registry::Response> Do(registry::Request& req) override {
    ++calls;
    return inner_.Do(req);
  }
  std::atomic<int> calls{0};

 private:
  registry::HttpClient& inner_;
};

// curl → CountingClient → RetryingClient (fast backoff) → AuthTransport when the registry
// wants a password.
class TestHttp : public registry::HttpClient {
 public:
  explicit TestHttp(const Registry& r, bool with_credentials = true) {
    registry::HttpClientOptions options;
    options.tls.ca_file = r.ca_file();
    options.tls.cert_dirs = {};
    curl_ = std::make_shared<registry::CurlClient>(options);
    counter_ = std::make_unique<CountingClient>(*curl_);
    registry::RetryPolicy policy;
    policy.base_delay = std::chrono::milliseconds(10);
    retry_ = std::make_shared<registry::RetryingClient>(*counter_, policy);
    top_ = retry_;
    if (!r.user().empty()) {
      registry::AuthConfig auth;
      auth.registry = r.host();
      auth.insecure = r.ca_file().empty();
      if (with_credentials) auth.credential = registry::Credential{r.user(), r.password(), ""};
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

inline registry::Repository OpenRepo(const Registry& r, std::shared_ptr<registry::HttpClient> http,
                                     const std::string& name) {
  Result<registry::Repository> repo = registry::Repository::Open(std::move(http), r.url(), name);
  REQUIRE(repo.ok());
  return std::move(repo).value();
}

// Compares what is written with the pattern byte by byte, without keeping it.
class PatternCheckingSink : public registry::BlobSink {
 public:
  PatternCheckingSink(uint64_t size, uint64_t seed) : pattern_(size, seed) {}
  using registry::BlobSink::Write;
  Status Write(const char* data, size_t n) override {
    for (size_t i = 0; i < n; ++i, ++written_) {
      if (written_ >= pattern_.size() || data[i] != pattern_.ByteAt(written_)) {
        if (!mismatch_) mismatch_ = written_;
      }
    }
    return Ok();
  }
  Status Reset() override {
    written_ = 0;
    mismatch_.reset();
    return Ok();
  }
  uint64_t written() const { return written_; }
  bool exact() const { return !mismatch_ && written_ == pattern_.size(); }

 private:
  PatternBlob pattern_;
  uint64_t written_ = 0;
  std::optional<uint64_t> mismatch_;
};

inline std::string Describe(const Status& s) { return s.ok() ? "ok" : s.error().ToString(); }
template <class T>
std::string Describe(const Result<T>& r) {
  return r.ok() ? "ok" : r.error().ToString();
}

}  // namespace hoist::testing
