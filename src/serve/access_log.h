#pragma once
// The access log, one line per request in the Common Log Format plus the time taken:
//   127.0.0.1 - alice [06/Dec/2026:15:43:55 +0000] "GET /v2/x/manifests/1 HTTP/1.1" 200 1234 0.002
// The user is the authenticated name only: the Authorization header never reaches the log. Bytes
// outside printable ASCII in the request line are escaped (\xNN).

#include <cstdio>
#include <mutex>
#include <string>

namespace hoist::serve {

class AccessLog {
 public:
  explicit AccessLog(std::FILE* out) : out_(out) {}  // nullptr: no log
  void Write(const std::string& remote, const std::string& user, const std::string& method, const std::string& target,
             const std::string& version, int status, uint64_t bytes, double seconds);

 private:
  std::FILE* out_;
  std::mutex mu_;
};

std::string EscapeLogField(const std::string& s);

}  // namespace hoist::serve
