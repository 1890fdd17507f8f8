#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for tests: one thread accepting, one per connection,
// keep-alive, Content-Length and chunked request bodies, Expect: 100-continue. Each request is
// answered by a handler; every request is recorded for the test to inspect. Not for production.

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace hoist::testing {

struct HttpExchange {
  std::string method;
  std::string target;  // "/v2/?x=1" as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;      // decoded (chunked bodies are reassembled)
  bool chunked = false;  // the body came with Transfer-Encoding: chunked

  std::optional<std::string> Header(std::string_view name) const;  // case-insensitive
};

struct TinyResponse {
  int status = 200;
  std::string reason;  // empty: a standard phrase
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // Content-Length is added unless a header sets it
  // Send the head and only this many body bytes, then go silent (connection left open) until
  // the client hangs up or the server stops: a stalled server.
  std::optional<size_t> stall_after;
  bool close = false;  // close the connection after this response
};

class TinyHttpServer {
 public:
  using Handler = std::function<TinyResponse(const HttpExchange&)>;

  explicit TinyHttpServer(Handler handler);  // listens on 127.0.0.1:<free port>
  ~TinyHttpServer();
  TinyHttpServer(const TinyHttpServer&) = delete;
  TinyHttpServer& operator=(const TinyHttpServer&) = delete;

  int port() const { return port_; }
  // "http://<host>:<port><path>"; host defaults to 127.0.0.1 ("localhost" names the same
  // server under another host name).
  std::string url(std::string_view path = "/", std::string_view host = "127.0.0.1") const;

  std::vector<HttpExchange> requests() const;
  size_t connections() const { return connections_.load(); }

 private:
  void AcceptLoop();
  void Serve(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> connections_{0};
  mutable std::mutex mu_;
  std::vector<HttpExchange> requests_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace hoist::testing
