#include "registry/http/request.h"

#include <algorithm>

namespace hoist::registry {

namespace {
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::optional<std::string> Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (HeaderNameEquals(k, name)) return v;
  }
  return std::nullopt;
}

void Request::SetHeader(std::string name, std::string value) {
  RemoveHeader(name);
  headers.emplace_back(std::move(name), std::move(value));
}

void Request::RemoveHeader(std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return HeaderNameEquals(h.first, name); });
}

}  // namespace hoist::registry
