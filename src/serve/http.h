#pragma once
// The server's view of one HTTP exchange, kept apart from libmicrohttpd (only server.cc knows it),
// so routing and the API handlers are plain functions a unit test can call.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace hoist::serve {

struct Request {
  std::string method;  // "GET", "HEAD", "PUT", …
  std::string path;    // percent-decoded: "/v2/library/alpine/manifests/3.19"
  std::map<std::string, std::string> query;    // decoded; a key given twice keeps its first value
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string remote;  // peer address, for the access log
  std::string user;    // set once authenticated (htpasswd)

  std::string Header(const std::string& lower_name) const;
  std::optional<std::string> Query(const std::string& key) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A body read from an open file (sent with sendfile): owned by the response, closed after.
  int fd = -1;
  uint64_t fd_offset = 0;
  uint64_t fd_length = 0;

  Response() = default;
  explicit Response(int s) : status(s) {}
  Response(Response&& o) noexcept;
  Response& operator=(Response&& o) noexcept;
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;
  ~Response();

  void Set(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  uint64_t BodySize() const { return fd >= 0 ? fd_length : body.size(); }
  // Hands the descriptor over (to libmicrohttpd, which closes it).
  int ReleaseFd();
};

// One request in flight. The router makes it from the request line and headers; the body arrives
// in pieces through Body(); Finish() answers. Body() may answer early (a body over a limit): the
// rest of the body is then not read.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual std::optional<Response> Body(const char* data, size_t n) = 0;
  // The Content-Length the client announced, before any of the body: an answer here refuses a
  // body over a limit before it is sent (a 100-continue client never sends it).
  virtual std::optional<Response> Announce(uint64_t /*content_length*/) { return std::nullopt; }
  virtual Response Finish() = 0;
};

}  // namespace hoist::serve
