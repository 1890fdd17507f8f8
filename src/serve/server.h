#pragma once
// The HTTP server: libmicrohttpd (a C library: small compile cost, a thread pool over epoll,
// sendfile for file responses, TLS through GnuTLS) turning connections into Router exchanges.
// Only this file and server.cc know libmicrohttpd.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/error.h"
#include "serve/access_log.h"
#include "serve/limits.h"
#include "serve/metrics.h"
#include "serve/router.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace hoist::serve {

struct ServerOptions {
  std::string listen = "127.0.0.1:5000";  // ADDR:PORT, [V6]:PORT, :PORT (every address); port 0 picks one
  std::string tls_cert_pem;               // both set: HTTPS
  std::string tls_key_pem;
  unsigned max_connections = kDefaultMaxConnections;
  unsigned idle_timeout_seconds = kIdleTimeoutSeconds;
  unsigned header_timeout_seconds = kHeaderTimeoutSeconds;
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Router& router, Metrics& metrics,
                                               AccessLog& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  // Stops accepting connections, lets the requests in flight finish for up to `grace`, then
  // closes what is left (an upload cut so keeps its bytes and stays resumable).
  void Shutdown(std::chrono::seconds grace);

  // Internal to server.cc (libmicrohttpd's callbacks).
  Router& router() { return router_; }
  Metrics& metrics() { return metrics_; }
  AccessLog& log() { return log_; }
  std::atomic<int>& in_flight() { return in_flight_; }
  std::atomic<unsigned>& connections() { return connections_; }
  unsigned max_connections() const { return max_connections_; }
  bool tls() const { return tls_; }
  // Connections still waiting for a request's headers, cut past their deadline: --header-timeout
  // for a new connection's first request, --idle-timeout plus that after each answer for the next.
  void AwaitHeaders(MHD_Connection* c, int fd);
  void AwaitNextRequest(MHD_Connection* c, int fd);
  void HeadersArrived(MHD_Connection* c);
  // Connections in the middle of a request body, watched for a client that went away.
  void BodyStarted(MHD_Connection* c, int fd);
  void BodyEnded(MHD_Connection* c);

 private:
  Server(Router& router, Metrics& metrics, AccessLog& log) : router_(router), metrics_(metrics), log_(log) {}
  Router& router_;
  Metrics& metrics_;
  AccessLog& log_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  std::atomic<int> in_flight_{0};
  std::atomic<unsigned> connections_{0};
  unsigned max_connections_ = kDefaultMaxConnections;
  bool tls_ = false;

  void Watch();
  struct Waiting {
    int fd;
    std::chrono::steady_clock::time_point deadline;
  };
  std::chrono::seconds header_timeout_{kHeaderTimeoutSeconds};
  std::chrono::seconds idle_timeout_{kIdleTimeoutSeconds};
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool watch_stop_ = false;
  std::map<MHD_Connection*, Waiting> awaiting_headers_;
  std::map<MHD_Connection*, int> receiving_body_;  // their descriptors
  std::thread watchdog_;
  void StopWatchdog();
};

// "127.0.0.1:5000" → address and port; kInvalidArgument names what is wrong.
struct ListenAddress {
  std::string host;  // empty: every address
  int port = 0;
};
Result<ListenAddress> ParseListen(const std::string& text);

}  // namespace hoist::serve
