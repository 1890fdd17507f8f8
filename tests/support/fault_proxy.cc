#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "support/proxy_wire.h"

namespace hoist::testing {

using wire::BodyEnd;
using wire::BodyShape;
using wire::Conn;
using wire::Framing;
using wire::Head;

namespace {

constexpr int kPollMs = 50;

std::string Phrase(int status) {
  switch (status) {
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
  }
}

std::string DefaultCode(int status) {
  switch (status) {
    case 400: return "BAD_REQUEST";
    case 401: return "UNAUTHORIZED";
    case 403: return "DENIED";
    case 404: return "NAME_UNKNOWN";
    case 429: return "TOOMANYREQUESTS";
    default: return "UNAVAILABLE";
  }
}

std::string Describe(const Fault& f) {
  switch (f.kind) {
    case Fault::Kind::kStatus: return "status " + std::to_string(f.status);
    case Fault::Kind::kResetRequestBody:
      return "reset request after " + std::to_string(f.after_bytes) + " bytes";
    case Fault::Kind::kResetResponseBody:
      return "reset response after " + std::to_string(f.after_bytes) + " bytes";
    case Fault::Kind::kStall: return "stall after " + std::to_string(f.after_bytes) + " bytes";
    case Fault::Kind::kRedirect: return "redirect";
    case Fault::Kind::kDropRange: return "Range dropped";
  }
  return "fault";
}

// The proxy's own answer to a request (a status fault or a redirect).
std::string LocalResponse(const Fault& f, const std::string& target, bool close) {
  Head head;
  std::string body;
  if (f.kind == Fault::Kind::kRedirect) {
    head.start_line = "HTTP/1.1 307 Temporary Redirect";
    head.Set("Location", f.redirect_base + target);
  } else {
    head.start_line = "HTTP/1.1 " + std::to_string(f.status) + " " + Phrase(f.status);
    std::string code = f.error_code.empty() ? DefaultCode(f.status) : f.error_code;
    std::string message = f.message.empty() ? "injected by the test proxy" : f.message;
    body = R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"(","detail":null}]})";
    head.Set("Content-Type", "application/json; charset=utf-8");
    if (!f.retry_after.empty()) head.Set("Retry-After", f.retry_after);
  }
  head.Set("Content-Length", std::to_string(body.size()));
  if (close) head.Set("Connection", "close");
  return head.Serialize() + body;
}

}  // namespace

// --- Fault constructors

Fault Fault::Status(int status, std::string retry_after) {
  Fault f;
  f.kind = Kind::kStatus;
  f.status = status;
  f.retry_after = std::move(retry_after);
  return f;
}
Fault Fault::ResetRequestBody(uint64_t after_bytes) {
  Fault f;
  f.kind = Kind::kResetRequestBody;
  f.after_bytes = after_bytes;
  return f;
}
Fault Fault::ResetResponseBody(uint64_t after_bytes) {
  Fault f;
  f.kind = Kind::kResetResponseBody;
  f.after_bytes = after_bytes;
  return f;
}
Fault Fault::Stall(uint64_t after_bytes) {
  Fault f;
  f.kind = Kind::kStall;
  f.after_bytes = after_bytes;
  return f;
}
Fault Fault::Redirect(std::string base) {
  Fault f;
  f.kind = Kind::kRedirect;
  f.redirect_base = std::move(base);
  return f;
}

Fault Fault::DropRange() {
  Fault f;
  f.kind = Kind::kDropRange;
  return f;
}

ProxyCounts& ProxyCounts::operator+=(const ProxyCounts& o) {
  requests += o.requests;
  request_body_bytes += o.request_body_bytes;
  response_body_bytes += o.response_body_bytes;
  faults += o.faults;
  return *this;
}

PathKind ClassifyPath(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/v2" || path == "/v2/") return PathKind::kBase;
  if (path == "/v2/_catalog") return PathKind::kCatalog;
  if (path.find("/blobs/uploads") != std::string_view::npos) return PathKind::kUpload;
  if (path.find("/blobs/") != std::string_view::npos) return PathKind::kBlob;
  if (path.find("/manifests/") != std::string_view::npos) return PathKind::kManifest;
  if (path.ends_with("/tags/list")) return PathKind::kTags;
  return PathKind::kOther;
}

std::string_view PathKindName(PathKind kind) {
  switch (kind) {
    case PathKind::kBase: return "base";
    case PathKind::kBlob: return "blob";
    case PathKind::kUpload: return "upload";
    case PathKind::kManifest: return "manifest";
    case PathKind::kTags: return "tags";
    case PathKind::kCatalog: return "catalog";
    case PathKind::kOther: return "other";
  }
  return "other";
}

// --- one client connection

class FaultProxy::Session {
 public:
  Session(FaultProxy& proxy, int fd) : proxy_(proxy), client_(fd, proxy.stop_) {}

  void Run() {
    while (ServeOne()) {
    }
    if (upstream_) upstream_->Close();
  }

 private:
  // One request; false when the connection is over.
  bool ServeOne() {
    std::string text;
    Head req;
    if (!client_.ReadHead(text) || !wire::ParseHead(text, req)) return false;
    const std::string method = req.start_line.substr(0, req.start_line.find(' '));
    size_t t0 = req.start_line.find(' ') + 1;
    const std::string target = req.start_line.substr(t0, req.start_line.rfind(' ') - t0);
    const PathKind kind = ClassifyPath(target);
    const BodyShape req_body = wire::RequestBodyShape(req);
    const std::optional<Fault> fault = proxy_.PickFault(method, kind);
    const bool expect = req.Has("Expect", "100-continue");
    req.Remove("Expect");  // the proxy answers 100 itself, so bodies flow without waiting
    bool continued = false;  // 100 sent
    if (expect && req_body.framing != Framing::kNone && proxy_.expect_mode_ == ExpectMode::kAtOnce) {
      if (!client_.Send("HTTP/1.1 100 Continue\r\n\r\n")) return false;
      continued = true;
    }

    // Counted and recorded before any answer goes out, so a test that got its answer sees them.
    ProxyCounts delta;
    delta.requests = 1;
    delta.faults = fault ? 1 : 0;
    proxy_.Count(method, kind, delta);
    const size_t record = proxy_.Record(ProxyExchange{
        method, target, 0, fault ? Describe(*fault) : "", req.Get("Authorization").has_value(), expect});
    auto answered = [&](int status) { proxy_.SetStatus(record, status); };
    // Body bytes are counted as they pass, so a test can watch a long transfer progress.
    auto count_in = [&](std::string_view piece) {
      proxy_.Count(method, kind, ProxyCounts{0, piece.size(), 0, 0});
    };

    if (fault && (fault->kind == Fault::Kind::kStatus || fault->kind == Fault::Kind::kRedirect)) {
      answered(fault->kind == Fault::Kind::kRedirect ? 307 : fault->status);
      if (req_body.framing != Framing::kNone && expect && !continued) {
        // The client waits for 100 before sending: answer at once and drop the connection.
        client_.Send(LocalResponse(*fault, target, true));
        return false;
      }
      BodyEnd end = wire::ReadBody(client_, req_body, [&](std::string_view p) {
        count_in(p);
        return true;
      });
      if (end != BodyEnd::kDone) return false;
      return (client_.Send(LocalResponse(*fault, target, false)));
    }
    if (fault && fault->kind == Fault::Kind::kResetRequestBody &&
        (fault->after_bytes == 0 || req_body.framing == Framing::kNone)) {
      client_.Reset();  // nothing reached the registry
      return false;
    }

    // Forward the request.
    req.Set("Host", proxy_.upstream_);
    if (fault && fault->kind == Fault::Kind::kDropRange) req.Remove("Range");
    if (!SendUpstream(req.Serialize())) {
      answered(502);
      client_.Send(LocalResponse(Fault::Status(502), target, true));
      return false;
    }
    bool early = false;  // the registry answered before the whole body was sent
    if (req_body.framing != Framing::kNone) {
      if (expect && !continued && !client_.Send("HTTP/1.1 100 Continue\r\n\r\n")) return false;
      const bool reset = fault && fault->kind == Fault::Kind::kResetRequestBody;
      uint64_t sent = 0;
      bool reset_now = false;
      BodyEnd end = wire::ReadBody(client_, req_body, [&](std::string_view p) {
        count_in(p);
        if (upstream_->HasInput()) {
          early = true;
          return false;
        }
        if (reset && sent + p.size() >= fault->after_bytes) {
          upstream_->Send(wire::FramePiece(req_body.framing, p.substr(0, fault->after_bytes - sent)));
          reset_now = true;
          return false;
        }
        sent += p.size();
        if (!upstream_->Send(wire::FramePiece(req_body.framing, p))) early = true;
        return !early;
      });
      if (reset_now) {  // our reset: the registry sees the body break off there
        client_.Reset();
        upstream_->Reset();
        return false;
      }
      if (end == BodyEnd::kBroken) {
        // A client that died mid-body: its kernel would still have delivered what it had sent, then
        // a FIN. A reset here would make the registry's kernel drop what it had received but not yet
        // read (megabytes on a busy machine), which no real dead client causes.
        client_.Reset();
        upstream_->Close();
        return false;
      }
      if (end == BodyEnd::kDone && !early) upstream_->Send(wire::FrameEnd(req_body.framing));
    }

    // Relay the response.
    Head resp;
    int status = 0;
    do {
      if (!upstream_->ReadHead(text) || !wire::ParseHead(text, resp)) {
        answered(502);
        client_.Send(LocalResponse(Fault::Status(502), target, true));
        return false;
      }
      status = std::atoi(resp.start_line.c_str() + resp.start_line.find(' ') + 1);
    } while (status / 100 == 1);
    answered(status);
    RewriteLocation(resp);
    const BodyShape resp_body = wire::ResponseBodyShape(method, status, resp);
    bool close = early || resp_body.framing == Framing::kUntilClose ||
                 resp.Has("Connection", "close") || req.Has("Connection", "close");
    if (close) resp.Set("Connection", "close");
    if (!client_.Send(resp.Serialize())) return false;

    const bool cut = fault && (fault->kind == Fault::Kind::kResetResponseBody ||
                               fault->kind == Fault::Kind::kStall);
    uint64_t sent = 0;
    bool cut_now = false;
    BodyEnd end = wire::ReadBody(*upstream_, resp_body, [&](std::string_view p) {
      if (cut && sent + p.size() >= fault->after_bytes) {
        p = p.substr(0, fault->after_bytes - sent);
        cut_now = true;
      }
      proxy_.Count(method, kind, ProxyCounts{0, 0, p.size(), 0});
      sent += p.size();
      if (!client_.Send(wire::FramePiece(resp_body.framing, p))) return false;
      return !cut_now;
    });
    if (cut_now) {
      if (fault->kind == Fault::Kind::kStall) client_.WaitForPeerClose();
      client_.Drain();
      client_.Reset();
      upstream_->Reset();
      return false;
    }
    if (end != BodyEnd::kDone) {
      client_.Reset();
      upstream_->Reset();
      return false;
    }
    if (!client_.Send(wire::FrameEnd(resp_body.framing))) return false;
    if (close) upstream_->Close();
    return (!close);
  }

  // Sends a request head on the kept-alive upstream connection, dialling a new one if there is
  // none or the registry closed it while idle.
  bool SendUpstream(const std::string& head) {
    if (upstream_ && (!upstream_->open() || upstream_->HasInput())) upstream_.reset();
    if (!upstream_) upstream_ = Conn::Dial(proxy_.upstream_, proxy_.stop_);
    return upstream_ && upstream_->Send(head);
  }

  // Locations naming the registry come back through the proxy.
  void RewriteLocation(Head& resp) {
    auto location = resp.Get("Location");
    if (!location) return;
    const std::string from = "http://" + proxy_.upstream_;
    if (location->rfind(from, 0) == 0) {
      resp.Set("Location", proxy_.url() + location->substr(from.size()));
    }
  }

  FaultProxy& proxy_;
  Conn client_;
  std::unique_ptr<Conn> upstream_;
};

// --- FaultProxy

FaultProxy::FaultProxy(std::string upstream) : upstream_(std::move(upstream)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("fault proxy: socket failed");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error(std::string("fault proxy: bind/listen failed: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
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

std::string FaultProxy::host() const { return "127.0.0.1:" + std::to_string(port_); }
std::string FaultProxy::url() const { return "http://" + host(); }

void FaultProxy::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;  // heads and bodies go out as separate writes: no Nagle delay between them
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(mu_);
    workers_.emplace_back([this, fd] { Session(*this, fd).Run(); });
  }
}

void FaultProxy::AddRule(FaultRule rule) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back({std::move(rule)});
}

void FaultProxy::ClearRules() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

std::optional<Fault> FaultProxy::PickFault(std::string_view method, PathKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<Fault> picked;
  for (RuleState& s : rules_) {
    const FaultRule& r = s.rule;
    if ((!r.method.empty() && r.method != method) || (r.kind && *r.kind != kind)) continue;
    int index = s.seen++ - r.skip;
    if (picked || index < 0 || (r.times >= 0 && s.hit >= r.times)) continue;
    int every = std::max(r.every, 1);
    if (index % every >= r.burst) continue;
    ++s.hit;
    picked = r.fault;
  }
  return picked;
}

void FaultProxy::Count(std::string_view method, PathKind kind, const ProxyCounts& delta) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_[{std::string(method), kind}] += delta;
}

size_t FaultProxy::Record(ProxyExchange exchange) {
  std::lock_guard<std::mutex> lock(mu_);
  exchanges_.push_back(std::move(exchange));
  return exchanges_.size() - 1;
}

void FaultProxy::SetStatus(size_t record, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (record < exchanges_.size()) exchanges_[record].status = status;
}

ProxyCounts FaultProxy::counts(std::string_view method, PathKind kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find({std::string(method), kind});
  return it == counts_.end() ? ProxyCounts{} : it->second;
}

ProxyCounts FaultProxy::counts(std::string_view method) const {
  std::lock_guard<std::mutex> lock(mu_);
  ProxyCounts sum;
  for (const auto& [key, c] : counts_) {
    if (key.first == method) sum += c;
  }
  return sum;
}

ProxyCounts FaultProxy::total() const {
  std::lock_guard<std::mutex> lock(mu_);
  ProxyCounts sum;
  for (const auto& [key, c] : counts_) sum += c;
  return sum;
}

std::vector<ProxyExchange> FaultProxy::exchanges() const {
  std::lock_guard<std::mutex> lock(mu_);
  return exchanges_;
}

void FaultProxy::ResetCounters() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.clear();
  exchanges_.clear();
}

}  // namespace hoist::testing
