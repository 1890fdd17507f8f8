#pragma once
// A fault-injecting HTTP/1.1 proxy for tests, placed in front of a real (plain-HTTP) registry:
// the client talks plain HTTP to 127.0.0.1:<port> (name that host insecure), the proxy forwards
// every request with keep-alive and streams bodies both ways (Content-Length or chunked), and
// rewrites Location headers that name the registry so they come back through it. Rules inject
// what the registry cannot produce on its own:
//
//   FaultProxy proxy(registry->host());
//   proxy.AddRule({.method = "PATCH", .every = 3, .fault = Fault::Status(503)});       // every 3rd
//   proxy.AddRule({.kind = PathKind::kBlob, .times = 1,
//                  .fault = Fault::ResetResponseBody(40 << 20)});                     // once
//   ... proxy.counts("PATCH", PathKind::kUpload).request_body_bytes ...
//
// Counters: requests, request body bytes received from the client (decoded, whether or not
// they were forwarded) and response body bytes sent to it, per method and kind of path.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace hoist::testing {

// What a request addresses, from its path.
enum class PathKind { kBase, kBlob, kUpload, kManifest, kTags, kCatalog, kOther };
PathKind ClassifyPath(std::string_view target);
std::string_view PathKindName(PathKind kind);

struct Fault {
  enum class Kind {
    kStatus,             // answer `status` (JSON error body, Retry-After if set); never forwarded
    kResetRequestBody,   // forward `after_bytes` of the request body, then reset both sides
                         // (0: reset the client before anything reaches the registry)
    kResetResponseBody,  // forward the response head and `after_bytes` of its body, then reset
    kStall,              // forward the response head and `after_bytes` of its body, then go silent
    kRedirect,           // answer 307 to `redirect_base` + the request target
    kDropRange,          // forward the request without its Range header (a server that ignores
                         // Range: the whole blob again, 200)
  };
  Kind kind = Kind::kStatus;
  int status = 503;
  std::string retry_after;  // kStatus: Retry-After value when not empty
  std::string error_code;   // kStatus: the JSON body's code; empty picks one from the status
  std::string message;      // kStatus: the JSON body's message
  uint64_t after_bytes = 0;
  std::string redirect_base;  // kRedirect: "http://localhost:PORT"

  static Fault Status(int status, std::string retry_after = "");
  static Fault ResetRequestBody(uint64_t after_bytes);
  static Fault ResetResponseBody(uint64_t after_bytes);
  static Fault Stall(uint64_t after_bytes);
  static Fault Redirect(std::string base);
  static Fault DropRange();
};

// Applies `fault` to requests matching method and kind: of the matching requests, the first
// `skip` pass; then in every run of `every`, the first `burst` are hit, until `times` were hit
// (< 0: no limit). Rules are tried in the order added; the first that hits wins, but every
// matching rule counts the request.
struct FaultRule {
  std::string method;             // empty: any
  std::optional<PathKind> kind;   // nullopt: any
  int skip = 0;
  int every = 1;
  int burst = 1;
  int times = -1;
  Fault fault;
};

struct ProxyCounts {
  uint64_t requests = 0;
  uint64_t request_body_bytes = 0;
  uint64_t response_body_bytes = 0;
  uint64_t faults = 0;  // requests a rule hit
  ProxyCounts& operator+=(const ProxyCounts& o);
};

// One request as the proxy saw it.
struct ProxyExchange {
  std::string method, target;
  int status = 0;  // as answered to the client; 0 when the connection was reset first
  std::string fault;  // "" when forwarded untouched, else what was injected
  bool had_authorization = false;
  bool expected_continue = false;  // the client sent `Expect: 100-continue`
};

// How the proxy meets `Expect: 100-continue` (libcurl sends it with large bodies). Either way the
// header is not passed on and the proxy answers the 100 itself; a status fault is answered at
// once instead, while the client still holds its body back.
enum class ExpectMode {
  kAfterForward,  // 100 once the request head went on to the registry (the default)
  kAtOnce,        // 100 as soon as the head arrives, before the registry has seen anything
};

class FaultProxy {
 public:
  // `upstream`: "127.0.0.1:PORT" of a plain-HTTP server. Listens on 127.0.0.1:<free port>.
  explicit FaultProxy(std::string upstream);  // throws std::runtime_error if it cannot listen
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string host() const;  // "127.0.0.1:PORT"
  std::string url() const;   // "http://127.0.0.1:PORT"

  void AddRule(FaultRule rule);
  void SetExpectMode(ExpectMode mode) { expect_mode_ = mode; }
  void ClearRules();

  ProxyCounts counts(std::string_view method, PathKind kind) const;
  ProxyCounts counts(std::string_view method) const;  // every kind
  ProxyCounts total() const;
  std::vector<ProxyExchange> exchanges() const;
  void ResetCounters();  // counters and exchanges

 private:
  struct RuleState {
    FaultRule rule;
    int seen = 0, hit = 0;
  };
  class Session;

  void AcceptLoop();
  std::optional<Fault> PickFault(std::string_view method, PathKind kind);
  void Count(std::string_view method, PathKind kind, const ProxyCounts& delta);
  size_t Record(ProxyExchange exchange);  // its index
  void SetStatus(size_t record, int status);

  std::string upstream_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<ExpectMode> expect_mode_{ExpectMode::kAfterForward};

  mutable std::mutex mu_;
  std::vector<RuleState> rules_;
  std::map<std::pair<std::string, PathKind>, ProxyCounts> counts_;
  std::vector<ProxyExchange> exchanges_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace hoist::testing
