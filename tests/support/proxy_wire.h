#pragma once
// HTTP/1.1 on a raw socket, for the fault proxy (support/fault_proxy.h): a buffered connection
// that notices a stopping proxy, message heads, and bodies streamed piece by piece in any of
// the framings (none, Content-Length, chunked, until close). Test code, not for production.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hoist::testing::wire {

class Conn {
 public:
  Conn(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  ~Conn() { Close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // A TCP connection to 127.0.0.1:port-style "host:port"; nullptr when it cannot be made.
  static std::unique_ptr<Conn> Dial(const std::string& host_port, const std::atomic<bool>& stop);

  bool open() const { return fd_ >= 0; }
  // Reads through "\r\n\r\n" (head returned without it); false on EOF, error or stop.
  bool ReadHead(std::string& head);
  bool ReadLine(std::string& line);  // through "\r\n"
  // Up to `max` bytes, buffered ones first; false at EOF.
  bool ReadSome(size_t max, std::string& out);
  bool Send(std::string_view data);
  // Buffered input, or the socket is readable now (data or EOF): for an idle connection, a sign
  // the peer closed it; during a request body, a sign the peer answered early.
  bool HasInput();
  // Silent until the peer hangs up or the proxy stops.
  void WaitForPeerClose();
  void Close();
  void Reset();  // close with RST (SO_LINGER 0): the peer sees "connection reset"
  // Waits (up to 5 s) until the peer has taken every byte sent so far: a reset then cuts the
  // stream exactly where the proxy meant, instead of dropping what sat in the send buffer.
  void Drain();

 private:
  bool ReadMore();

  int fd_;
  const std::atomic<bool>& stop_;
  std::string buf_;
};

struct Head {
  std::string start_line;  // "GET /v2/ HTTP/1.1" or "HTTP/1.1 200 OK"
  std::vector<std::pair<std::string, std::string>> headers;

  std::optional<std::string> Get(std::string_view name) const;  // case-insensitive
  bool Has(std::string_view name, std::string_view token) const;  // a comma-list contains token
  void Set(const std::string& name, std::string value);
  void Remove(std::string_view name);
  std::string Serialize() const;  // with the terminating blank line
};

bool ParseHead(const std::string& text, Head& head);

enum class Framing { kNone, kLength, kChunked, kUntilClose };
struct BodyShape {
  Framing framing = Framing::kNone;
  uint64_t length = 0;  // kLength
};

BodyShape RequestBodyShape(const Head& request);
BodyShape ResponseBodyShape(std::string_view method, int status, const Head& response);

enum class BodyEnd { kDone, kBroken, kStoppedByCallback };
// Reads one body off `in`, handing every decoded piece to `piece`; false from it stops reading.
BodyEnd ReadBody(Conn& in, const BodyShape& shape,
                 const std::function<bool(std::string_view)>& piece);
// Frames `data` (decoded bytes) for the other side in the same framing.
std::string FramePiece(Framing framing, std::string_view data);
std::string FrameEnd(Framing framing);  // "0\r\n\r\n" for chunked, else nothing

bool IEquals(std::string_view a, std::string_view b);

}  // namespace hoist::testing::wire
