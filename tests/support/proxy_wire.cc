#include "support/proxy_wire.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace hoist::testing::wire {

namespace {

constexpr int kPollMs = 50;
constexpr size_t kPiece = 64 * 1024;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> Decimal(std::string_view s) {
  s = Trim(s);
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::optional<uint64_t> Hex(std::string_view s) {
  s = Trim(s.substr(0, s.find(';')));  // chunk extensions are ignored
  if (s.empty() || s.size() > 15) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (c >= 'a' && c <= 'f')                   ? c - 'a' + 10
            : (c >= 'A' && c <= 'F')                   ? c - 'A' + 10
                                                       : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace

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

// --- Conn

// The first byte of a TLS handshake record, and what a plain HTTP server answers to one.
constexpr char kTlsHandshakeRecord = '\x16';
constexpr std::string_view kNotHttpAnswer = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

std::unique_ptr<Conn> Conn::Dial(const std::string& host_port, const std::atomic<bool>& stop) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) return nullptr;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(host_port.c_str() + colon + 1)));
  std::string host = host_port.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return nullptr;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return nullptr;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return std::make_unique<Conn>(fd, stop);
}

bool Conn::ReadMore() {
  while (fd_ >= 0 && !stop_) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, kPollMs);
    if (r < 0 && errno != EINTR) return false;
    if (r <= 0) continue;
    char tmp[kPiece];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  return false;
}

bool Conn::ReadHead(std::string& head) {
  size_t pos;
  while ((pos = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!buf_.empty() && buf_[0] == kTlsHandshakeRecord) {
      // A TLS ClientHello (a client probing https first): answer as Go's net/http does.
      Send(kNotHttpAnswer);
      return false;
    }
    if (buf_.size() > (1 << 20) || !ReadMore()) return false;
  }
  head = buf_.substr(0, pos);
  buf_.erase(0, pos + 4);
  return true;
}

bool Conn::ReadLine(std::string& line) {
  size_t pos;
  while ((pos = buf_.find("\r\n")) == std::string::npos) {
    if (buf_.size() > (1 << 16) || !ReadMore()) return false;
  }
  line = buf_.substr(0, pos);
  buf_.erase(0, pos + 2);
  return true;
}

bool Conn::ReadSome(size_t max, std::string& out) {
  out.clear();
  if (buf_.empty() && !ReadMore()) return false;
  size_t n = std::min(max, buf_.size());
  out.assign(buf_, 0, n);
  buf_.erase(0, n);
  return true;
}

bool Conn::Send(std::string_view data) {
  while (!data.empty()) {
    if (stop_ || fd_ < 0) return false;
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

bool Conn::HasInput() {
  if (!buf_.empty()) return true;
  if (fd_ < 0) return true;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

void Conn::WaitForPeerClose() {
  while (fd_ >= 0 && !stop_) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, kPollMs);
    if (r < 0 && errno != EINTR) return;
    if (r > 0) {
      char tmp[4096];
      if (::recv(fd_, tmp, sizeof tmp, 0) <= 0) return;
    }
  }
}

void Conn::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Conn::Drain() {
  for (int i = 0; i < 500 && fd_ >= 0 && !stop_; ++i) {
    int queued = 0;
    if (::ioctl(fd_, SIOCOUTQ, &queued) != 0 || queued == 0) return;
    ::usleep(10'000);
  }
}

void Conn::Reset() {
  if (fd_ < 0) return;
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  Close();
}

// --- Head

std::optional<std::string> Head::Get(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (IEquals(k, name)) return v;
  }
  return std::nullopt;
}

bool Head::Has(std::string_view name, std::string_view token) const {
  for (const auto& [k, v] : headers) {
    if (!IEquals(k, name)) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      if (IEquals(Trim(rest.substr(0, comma)), token)) return true;
      rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    }
  }
  return false;
}

void Head::Set(const std::string& name, std::string value) {
  Remove(name);
  headers.emplace_back(name, std::move(value));
}

void Head::Remove(std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return IEquals(h.first, name); });
}

std::string Head::Serialize() const {
  std::string out = start_line + "\r\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  return out + "\r\n";
}

bool ParseHead(const std::string& text, Head& head) {
  size_t eol = text.find("\r\n");
  head.start_line = text.substr(0, eol);
  head.headers.clear();
  std::string_view rest = eol == std::string::npos ? "" : std::string_view(text).substr(eol + 2);
  while (!rest.empty()) {
    size_t e = rest.find("\r\n");
    std::string_view line = rest.substr(0, e);
    rest = e == std::string_view::npos ? "" : rest.substr(e + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    head.headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                              std::string(Trim(line.substr(colon + 1))));
  }
  return head.start_line.find(' ') != std::string::npos;
}

// --- bodies

BodyShape RequestBodyShape(const Head& request) {
  if (request.Has("Transfer-Encoding", "chunked")) return {Framing::kChunked, 0};
  if (auto cl = request.Get("Content-Length")) {
    if (auto n = Decimal(*cl); n && *n > 0) return {Framing::kLength, *n};
  }
  return {};
}

BodyShape ResponseBodyShape(std::string_view method, int status, const Head& response) {
  if (method == "HEAD" || status / 100 == 1 || status == 204 || status == 304) return {};
  if (response.Has("Transfer-Encoding", "chunked")) return {Framing::kChunked, 0};
  if (auto cl = response.Get("Content-Length")) {
    if (auto n = Decimal(*cl)) return *n == 0 ? BodyShape{} : BodyShape{Framing::kLength, *n};
  }
  return {Framing::kUntilClose, 0};
}

BodyEnd ReadBody(Conn& in, const BodyShape& shape,
                 const std::function<bool(std::string_view)>& piece) {
  std::string data;
  auto copy = [&](uint64_t n) -> BodyEnd {  // exactly n bytes
    while (n > 0) {
      if (!in.ReadSome(static_cast<size_t>(std::min<uint64_t>(n, kPiece)), data)) {
        return BodyEnd::kBroken;
      }
      n -= data.size();
      if (!piece(data)) return BodyEnd::kStoppedByCallback;
    }
    return BodyEnd::kDone;
  };
  switch (shape.framing) {
    case Framing::kNone:
      return BodyEnd::kDone;
    case Framing::kLength:
      return copy(shape.length);
    case Framing::kUntilClose:
      while (in.ReadSome(kPiece, data)) {
        if (!piece(data)) return BodyEnd::kStoppedByCallback;
      }
      return BodyEnd::kDone;
    case Framing::kChunked:
      for (;;) {
        std::string line;
        if (!in.ReadLine(line)) return BodyEnd::kBroken;
        std::optional<uint64_t> size = Hex(line);
        if (!size) return BodyEnd::kBroken;
        if (*size == 0) {
          do {  // trailers, up to the blank line
            if (!in.ReadLine(line)) return BodyEnd::kBroken;
          } while (!line.empty());
          return BodyEnd::kDone;
        }
        if (BodyEnd end = copy(*size); end != BodyEnd::kDone) return end;
        if (!in.ReadLine(line) || !line.empty()) return BodyEnd::kBroken;
      }
  }
  return BodyEnd::kBroken;
}

std::string FramePiece(Framing framing, std::string_view data) {
  if (framing != Framing::kChunked) return std::string(data);
  if (data.empty()) return "";  // an empty chunk would end the body
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out = size;
  out.append(data);
  out += "\r\n";
  return out;
}

std::string FrameEnd(Framing framing) { return framing == Framing::kChunked ? "0\r\n\r\n" : ""; }

}  // namespace hoist::testing::wire
