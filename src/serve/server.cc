#include "serve/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <thread>

namespace hoist::serve {

namespace {

// One request's life inside libmicrohttpd: the request must outlive the exchange built from it.
struct RequestState {
  Request request;
  std::unique_ptr<Exchange> exchange;
  std::string version;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  bool answered = false;
  int status = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
};

MHD_Result CollectHeader(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(cls);
  std::string k = key ? key : "";
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  headers->emplace(std::move(k), value ? value : "");
  return MHD_YES;
}

// The connection's socket, -1 when libmicrohttpd cannot say.
int ConnectionFd(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
  return info ? info->connect_fd : -1;
}

std::string PeerAddress(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr) return "-";
  char buf[INET6_ADDRSTRLEN] = "-";
  const sockaddr* sa = info->client_addr;
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

MHD_Result Queue(MHD_Connection* c, RequestState& st, Response r) {
  st.bytes_out = st.request.method == "HEAD" ? 0 : r.BodySize();
  MHD_Response* mr = nullptr;
  if (r.fd >= 0) {
    const uint64_t length = r.fd_length;
    const uint64_t offset = r.fd_offset;
    mr = MHD_create_response_from_fd_at_offset64(length, r.ReleaseFd(), offset);
  } else {
    mr = MHD_create_response_from_buffer(r.body.size(), r.body.data(), MHD_RESPMEM_MUST_COPY);
  }
  if (!mr) return MHD_NO;
  for (const auto& [k, v] : r.headers) MHD_add_response_header(mr, k.c_str(), v.c_str());
  MHD_add_response_header(mr, "Docker-Distribution-API-Version", "registry/2.0");
  st.status = r.status;
  st.answered = true;
  MHD_Result queued = MHD_queue_response(c, static_cast<unsigned>(r.status), mr);
  MHD_destroy_response(mr);
  return queued;
}

MHD_Result OnRequest(void* cls, MHD_Connection* c, const char* url, const char* method, const char* version,
                     const char* upload_data, size_t* upload_data_size, void** con_cls) {
  auto* server = static_cast<Server*>(cls);
  auto* st = static_cast<RequestState*>(*con_cls);
  if (!st) {
    server->HeadersArrived(c);
    st = new RequestState;
    *con_cls = st;
    server->in_flight()++;
    st->request.method = method ? method : "";
    st->request.path = url ? url : "";
    st->version = version ? version : "";
    st->request.remote = PeerAddress(c);
    MHD_get_connection_values(c, MHD_HEADER_KIND, CollectHeader, &st->request.headers);
    // Query keys are case-sensitive (artifactType): take them as sent.
    MHD_get_connection_values(
        c, MHD_GET_ARGUMENT_KIND,
        [](void* q, MHD_ValueKind, const char* key, const char* value) -> MHD_Result {
          static_cast<std::map<std::string, std::string>*>(q)->emplace(key ? key : "", value ? value : "");
          return MHD_YES;
        },
        &st->request.query);
    st->exchange = server->router().Begin(st->request);
    bool body = st->request.headers.count("transfer-encoding") > 0;  // chunked
    if (auto length = st->request.headers.find("content-length"); length != st->request.headers.end()) {
      uint64_t n = 0;
      const std::string& v = length->second;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec == std::errc() && end == v.data() + v.size()) {
        if (std::optional<Response> refused = st->exchange->Announce(n)) return Queue(c, *st, std::move(*refused));
        body = body || n > 0;
      }
    }
    if (body) server->BodyStarted(c, ConnectionFd(c));
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    st->bytes_in += *upload_data_size;
    if (!st->answered) {
      std::optional<Response> early = st->exchange->Body(upload_data, *upload_data_size);
      *upload_data_size = 0;
      if (early) {
        // libmicrohttpd answers only before or after a body: mid-body, the connection is closed
        // (the access log shows the answer that was due).
        st->status = early->status;
        st->answered = true;
        return MHD_NO;
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  server->BodyEnded(c);  // the whole body is in
  if (st->answered) return MHD_YES;
  return Queue(c, *st, st->exchange->Finish());
}

void OnCompleted(void* cls, MHD_Connection* c, void** con_cls, MHD_RequestTerminationCode toe) {
  auto* server = static_cast<Server*>(cls);
  auto* st = static_cast<RequestState*>(*con_cls);
  if (!st) return;
  *con_cls = nullptr;
  server->BodyEnded(c);
  // A kept-alive connection's next request is held to a header deadline too (a closing one is
  // forgotten again when libmicrohttpd reports it closed).
  server->AwaitNextRequest(c, ConnectionFd(c));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - st->start).count();
  // A request cut before its answer is logged as 499 (the client went away), nginx's convention.
  int status = st->answered ? st->status : 499;
  if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && st->answered && status < 400) status = 499;
  std::string target = st->request.path;
  if (!st->request.query.empty()) {
    target += '?';
    bool first = true;
    for (const auto& [k, v] : st->request.query) {
      if (!first) target += '&';
      first = false;
      target += k + "=" + v;
    }
  }
  server->log().Write(st->request.remote, st->request.user, st->request.method, target, st->version, status,
                      st->bytes_out, seconds);
  server->metrics().Record(st->request.method, status, st->bytes_in, st->bytes_out, seconds);
  st->exchange.reset();  // before the request it refers to
  delete st;
  server->in_flight()--;
}

void QuietLogger(void*, const char*, va_list) {}

// libmicrohttpd's own limit, kept out of reach: the descriptors this process may open, less a reserve
// for blob files and the spool.
unsigned HardConnectionLimit(unsigned wanted) {
  rlimit r{};
  unsigned limit = 4 * wanted;
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY && r.rlim_cur > 256) {
    limit = static_cast<unsigned>(std::min<rlim_t>(r.rlim_cur - 128, 1u << 20));
  }
  return std::max(limit, wanted + 16);
}

// A TLS handshake sent to the plain-HTTP server gets Go's answer at once, as Distribution gives it:
// clients (docker, hoist) probing whether a loopback registry speaks plain HTTP see an HTTP reply
// instead of waiting for a line end that a ClientHello may never hold.
constexpr int kTlsProbeWaitMs = 50;
void OnConnection(void* cls, MHD_Connection* c, void**, MHD_ConnectionNotificationCode code) {
  auto* server = static_cast<Server*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
    server->HeadersArrived(c);
    server->BodyEnded(c);
    server->connections()--;
    return;
  }
  const int fd = ConnectionFd(c);
  if (fd < 0) return;
  // --max-connections is enforced here, not by libmicrohttpd's own limit: at that limit
  // libmicrohttpd 0.9.75 (thread pool over epoll) was seen to stop accepting for good.
  if (++server->connections() > server->max_connections()) {
    ::shutdown(fd, SHUT_RDWR);
    return;
  }
  server->AwaitHeaders(c, fd);
  if (server->tls()) return;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, kTlsProbeWaitMs) != 1) return;
  unsigned char first = 0;
  if (::recv(fd, &first, 1, MSG_PEEK | MSG_DONTWAIT) != 1 || first != 0x16) return;
  static constexpr char kReply[] =
      "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
      "Client sent an HTTP request to an HTTPS server.\n";
  (void)!::send(fd, kReply, sizeof kReply - 1, MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_RDWR);
}

}  // namespace

Result<ListenAddress> ParseListen(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("--listen " + text + ": " + why + " (expected ADDR:PORT, [IPV6]:PORT or :PORT)");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return bad("no port");
  ListenAddress out;
  out.host = text.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  } else if (out.host.find(':') != std::string::npos) {
    return bad("an IPv6 address goes in brackets");
  }
  const std::string port = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || out.port < 0 || out.port > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  return out;
}

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Router& router, Metrics& metrics,
                                              AccessLog& log) {
  HOIST_TRY_ASSIGN(ListenAddress where, ParseListen(options.listen));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(where.port);
  int rc = ::getaddrinfo(where.host.empty() ? nullptr : where.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0 || !found) {
    return InvalidArgument("--listen " + options.listen + ": cannot resolve the address (" + gai_strerror(rc) + ")");
  }
  sockaddr_storage addr{};
  std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
  const bool v6 = found->ai_family == AF_INET6;
  ::freeaddrinfo(found);

  std::unique_ptr<Server> server(new Server(router, metrics, log));
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
  if (v6) flags |= MHD_USE_IPv6;
  const bool tls = !options.tls_cert_pem.empty();
  if (tls) flags |= MHD_USE_TLS;
  std::vector<MHD_OptionItem> opts = {
      {MHD_OPTION_THREAD_POOL_SIZE, kWorkerThreads, nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, HardConnectionLimit(options.max_connections), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, options.idle_timeout_seconds, nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(kConnectionMemory), nullptr},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&OnCompleted), server.get()},
      {MHD_OPTION_SOCK_ADDR, 0, &addr},
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&QuietLogger), nullptr},
  };
  opts.push_back({MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&OnConnection), server.get()});
  server->max_connections_ = options.max_connections;
  server->header_timeout_ = std::chrono::seconds(options.header_timeout_seconds);
  server->idle_timeout_ = std::chrono::seconds(options.idle_timeout_seconds);
  server->tls_ = tls;
  if (tls) {
    opts.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(options.tls_cert_pem.c_str())});
    opts.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(options.tls_key_pem.c_str())});
  }
  opts.push_back({MHD_OPTION_END, 0, nullptr});
  server->daemon_ = MHD_start_daemon(flags, 0, nullptr, nullptr, &OnRequest, server.get(), MHD_OPTION_ARRAY,
                                     opts.data(), MHD_OPTION_END);
  if (!server->daemon_) {
    return IOError("cannot listen on " + options.listen +
                   (tls ? " with TLS (is the certificate/key pair valid PEM?)" : "") +
                   ": the address may be in use or not on this machine");
  }
  server->watchdog_ = std::thread([s = server.get()] { s->Watch(); });
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : where.port;
  return server;
}

void Server::AwaitHeaders(MHD_Connection* c, int fd) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  awaiting_headers_[c] = Waiting{fd, std::chrono::steady_clock::now() + header_timeout_};
}

void Server::AwaitNextRequest(MHD_Connection* c, int fd) {
  if (fd < 0) return;
  std::lock_guard<std::mutex> lock(watch_mu_);
  awaiting_headers_[c] = Waiting{fd, std::chrono::steady_clock::now() + idle_timeout_ + header_timeout_};
}

void Server::HeadersArrived(MHD_Connection* c) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  awaiting_headers_.erase(c);
}

void Server::BodyStarted(MHD_Connection* c, int fd) {
  if (fd < 0) return;
  std::lock_guard<std::mutex> lock(watch_mu_);
  receiving_body_[c] = fd;
}

void Server::BodyEnded(MHD_Connection* c) {
  std::lock_guard<std::mutex> lock(watch_mu_);
  receiving_body_.erase(c);
}

// Cuts (shutdown, so libmicrohttpd sees the end and cleans up) each connection past its header
// deadline. The entry goes when libmicrohttpd reports the connection closed, before its socket is
// closed, so a descriptor number reused by a new connection is never cut by mistake.
void Server::Watch() {
  std::unique_lock<std::mutex> lock(watch_mu_);
  while (!watch_stop_) {
    watch_cv_.wait_for(lock, std::chrono::milliseconds(250));
    const auto now = std::chrono::steady_clock::now();
    for (auto it = awaiting_headers_.begin(); it != awaiting_headers_.end();) {
      if (it->second.deadline <= now) {
        ::shutdown(it->second.fd, SHUT_RDWR);
        it = awaiting_headers_.erase(it);
      } else {
        ++it;
      }
    }
    // A client gone in the middle of a body: libmicrohttpd 0.9.75 (epoll) takes in what was buffered
    // but misses the end of the stream, and the request (and its upload session) would wait for the
    // idle timeout. Nothing left to read and the stream at its end: cut it, so the request ends.
    for (auto it = receiving_body_.begin(); it != receiving_body_.end();) {
      char byte;
      if (::recv(it->second, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
        ::shutdown(it->second, SHUT_RDWR);
        it = receiving_body_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

void Server::StopWatchdog() {
  {
    std::lock_guard<std::mutex> lock(watch_mu_);
    watch_stop_ = true;
  }
  watch_cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

void Server::Shutdown(std::chrono::seconds grace) {
  StopWatchdog();
  if (!daemon_) return;
  MHD_socket listen_fd = MHD_quiesce_daemon(daemon_);
  if (listen_fd != MHD_INVALID_SOCKET) ::close(listen_fd);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

Server::~Server() {
  StopWatchdog();
  if (daemon_) MHD_stop_daemon(daemon_);
}

}  // namespace hoist::serve
