#include "support/tiny_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace hoist::testing {

namespace {

constexpr int kPollMs = 50;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string Phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

// A connection's buffered input, polling so that a stopping server is noticed.
class Conn {
 public:
  Conn(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}

  bool ReadMore() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, kPollMs);
      if (r < 0 && errno != EINTR) return false;
      if (r <= 0) continue;
      char tmp[64 * 1024];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(n));
      return true;
    }
    return false;
  }

  bool ReadUntil(std::string_view delim, std::string& out) {
    size_t pos;
    while ((pos = buf_.find(delim)) == std::string::npos) {
      if (delim == "\r\n\r\n" && !buf_.empty() && buf_[0] == '\x16') {
        // A TLS ClientHello (a client probing https first): answer as Go's net/http does.
        Send("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return false;
      }
      if (!ReadMore()) return false;
    }
    out = buf_.substr(0, pos);
    buf_.erase(0, pos + delim.size());
    return true;
  }

  bool ReadN(size_t n, std::string& out) {
    while (buf_.size() < n) {
      if (!ReadMore()) return false;
    }
    out.append(buf_, 0, n);
    buf_.erase(0, n);
    return true;
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      if (stop_) return false;
      pollfd p{fd_, POLLOUT, 0};
      int r = ::poll(&p, 1, kPollMs);
      if (r < 0 && errno != EINTR) return false;
      if (r <= 0) continue;
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Silent until the peer hangs up or the server stops.
  void Stall() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, kPollMs);
      if (r < 0 && errno != EINTR) return;
      if (r > 0) {
        char tmp[4096];
        if (::recv(fd_, tmp, sizeof tmp, 0) <= 0) return;
      }
    }
  }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
  std::string buf_;
};

bool ReadRequest(Conn& c, HttpExchange& ex) {
  std::string head;
  if (!c.ReadUntil("\r\n\r\n", head)) return false;
  size_t eol = head.find("\r\n");
  std::string_view request_line = std::string_view(head).substr(0, eol);
  size_t s1 = request_line.find(' ');
  size_t s2 = request_line.rfind(' ');
  if (s1 == std::string_view::npos || s2 == s1) return false;
  ex.method = std::string(request_line.substr(0, s1));
  ex.target = std::string(request_line.substr(s1 + 1, s2 - s1 - 1));
  std::string_view rest = eol == std::string::npos ? "" : std::string_view(head).substr(eol + 2);
  while (!rest.empty()) {
    size_t e = rest.find("\r\n");
    std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? "" : rest.substr(e + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    ex.headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                            std::string(Trim(line.substr(colon + 1))));
  }
  if (auto expect = ex.Header("Expect"); expect && IEquals(*expect, "100-continue")) {
    if (!c.Send("HTTP/1.1 100 Continue\r\n\r\n")) return false;
  }
  if (auto te = ex.Header("Transfer-Encoding"); te && IEquals(*te, "chunked")) {
    ex.chunked = true;
    for (;;) {
      std::string size_line;
      if (!c.ReadUntil("\r\n", size_line)) return false;
      size_t size = std::stoul(size_line, nullptr, 16);
      if (size == 0) {
        std::string trailer;
        do {
          if (!c.ReadUntil("\r\n", trailer)) return false;
        } while (!trailer.empty());
        break;
      }
      std::string crlf;
      if (!c.ReadN(size, ex.body) || !c.ReadN(2, crlf)) return false;
    }
  } else if (auto cl = ex.Header("Content-Length")) {
    if (!c.ReadN(std::stoul(*cl), ex.body)) return false;
  }
  return true;
}

bool HasHeader(const TinyResponse& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (IEquals(h.first, name)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> HttpExchange::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return std::nullopt;
}

TinyHttpServer::TinyHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error(std::string("bind/listen failed: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TinyHttpServer::~TinyHttpServer() {
  stop_ = true;
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

std::string TinyHttpServer::url(std::string_view path, std::string_view host) const {
  return "http://" + std::string(host) + ":" + std::to_string(port_) + std::string(path);
}

std::vector<HttpExchange> TinyHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void TinyHttpServer::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    std::lock_guard<std::mutex> lock(mu_);
    workers_.emplace_back([this, fd] {
      Serve(fd);
      ::close(fd);
    });
  }
}

void TinyHttpServer::Serve(int fd) {
  Conn conn(fd, stop_);
  for (;;) {
    HttpExchange ex;
    try {
      if (!ReadRequest(conn, ex)) return;
    } catch (const std::exception&) {  // a malformed length: drop the connection
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(ex);
    }
    TinyResponse resp;
    try {
      resp = handler_(ex);
    } catch (const std::exception& e) {
      resp =
          TinyResponse{500, "", {}, std::string("handler threw: ") + e.what(), std::nullopt, true};
    }
    std::string head = "HTTP/1.1 " + std::to_string(resp.status) + " " +
                       (resp.reason.empty() ? Phrase(resp.status) : resp.reason) + "\r\n";
    for (const auto& [k, v] : resp.headers) head += k + ": " + v + "\r\n";
    if (!HasHeader(resp, "Content-Length") && !HasHeader(resp, "Transfer-Encoding") &&
        resp.status != 204 && resp.status != 304) {
      head += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
    }
    if (resp.close) head += "Connection: close\r\n";
    head += "\r\n";
    if (!conn.Send(head)) return;
    if (ex.method != "HEAD") {
      std::string_view body = resp.body;
      if (resp.stall_after) body = body.substr(0, *resp.stall_after);
      if (!conn.Send(body)) return;
    }
    if (resp.stall_after) {
      conn.Stall();
      return;
    }
    auto connection = ex.Header("Connection");
    if (resp.close || (connection && IEquals(*connection, "close"))) return;
  }
}

}  // namespace hoist::testing
