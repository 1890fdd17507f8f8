#include "serve/http.h"

#include <unistd.h>

namespace hoist::serve {

std::string Request::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::Query(const std::string& key) const {
  auto it = query.find(key);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Response::Response(Response&& o) noexcept
    : status(o.status), headers(std::move(o.headers)), body(std::move(o.body)), fd(o.fd),
      fd_offset(o.fd_offset), fd_length(o.fd_length) {
  o.fd = -1;
}

Response& Response::operator=(Response&& o) noexcept {
  if (this != &o) {
    if (fd >= 0) ::close(fd);
    status = o.status;
    headers = std::move(o.headers);
    body = std::move(o.body);
    fd = o.fd;
    fd_offset = o.fd_offset;
    fd_length = o.fd_length;
    o.fd = -1;
  }
  return *this;
}

Response::~Response() {
  if (fd >= 0) ::close(fd);
}

int Response::ReleaseFd() {
  int f = fd;
  fd = -1;
  return f;
}

}  // namespace hoist::serve
