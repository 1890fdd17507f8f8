#pragma once
// An HTTP response: status, headers (a case-insensitive multi-map) and the buffered body.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hoist::registry {

class HeaderMap {
 public:
  void Add(std::string name, std::string value);
  void Clear() { entries_.clear(); }
  // First value for `name` (any case), or nullopt.
  std::optional<std::string> Get(std::string_view name) const;
  // Every value for `name`, in the order received.
  std::vector<std::string> GetAll(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

struct Response {
  int status = 0;
  std::string reason;  // the status line's phrase; empty over HTTP/2
  HeaderMap headers;
  std::string body;             // buffered body (empty when streamed into Request::sink)
  bool body_truncated = false;  // an error body longer than Request::max_buffered_body was cut
  std::string method;           // of the request that produced this response
  std::string effective_url;    // after redirects; may hold secrets: sanitize before showing

  std::optional<std::string> Header(std::string_view name) const { return headers.Get(name); }
  std::vector<std::string> Headers(std::string_view name) const { return headers.GetAll(name); }
  bool ok() const { return status >= 200 && status < 300; }
};

// "Not Found" for 404; "" for codes it does not know. Used when HTTP/2 sends no phrase.
std::string_view ReasonPhrase(int status);

}  // namespace hoist::registry
