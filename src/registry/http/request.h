#pragma once
// An HTTP request as the registry layers build it. Wrappers (auth, retry) may edit the headers
// before passing it down, which is why HttpClient::Do takes it by reference.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/io.h"

namespace hoist::registry {

struct Response;

inline constexpr uint64_t kDefaultMaxBufferedBody = 1 << 20;

struct Request {
  std::string method = "GET";
  std::string url;
  // Sent in order; names compare case-insensitively in the helpers below.
  std::vector<std::pair<std::string, std::string>> headers;

  // Upload body, read while sending. Known length → Content-Length; -1 → chunked.
  // POST/PUT/PATCH without a body are sent with Content-Length: 0.
  Reader* body = nullptr;
  int64_t body_size = -1;
  // Makes a request with a body replayable (retries, a reused connection that died): puts the
  // body back at its start. Set it only when resending the body is safe.
  std::function<Status()> rewind;

  // A 2xx response body streams into `sink`. Without a sink, and for every non-2xx response, the
  // body is buffered up to max_buffered_body: a larger error body is cut there (the request still
  // succeeds, Response::body_truncated is set); a larger 2xx body fails with kTooLarge.
  Writer* sink = nullptr;
  uint64_t max_buffered_body = kDefaultMaxBufferedBody;
  // Called once, with the status and headers, before the first byte of a 2xx body goes to `sink`:
  // an error stops the transfer and is what Do returns. (A download continued by Range refuses a
  // 200, the whole blob again, before a byte of it lands after the bytes already held.)
  std::function<Status(const Response&)> accept_body;

  // Follow 301/302/303/307/308 for GET and HEAD (the client's own loop; Authorization is
  // dropped when a redirect leaves the original scheme://host:port).
  bool follow_redirects = true;

  bool replayable() const { return body == nullptr || static_cast<bool>(rewind); }

  // First value of a header, case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
  // Replaces every header of that name with one value.
  void SetHeader(std::string name, std::string value);
  void RemoveHeader(std::string_view name);
};

bool HeaderNameEquals(std::string_view a, std::string_view b);

}  // namespace hoist::registry
