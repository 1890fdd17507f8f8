#include "serve/byte_range.h"

#include <charconv>

namespace hoist::serve {

namespace {

std::optional<uint64_t> Number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<ByteRange> ParseByteRange(std::string_view h, uint64_t size) {
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  if (h.substr(0, 6) != "bytes=") return std::nullopt;
  h.remove_prefix(6);
  size_t dash = h.find('-');
  if (dash == std::string_view::npos || h.find(',') != std::string_view::npos) return std::nullopt;
  std::string_view a = h.substr(0, dash), b = h.substr(dash + 1);
  if (a.empty()) {  // the last N bytes
    auto n = Number(b);
    if (!n || *n == 0 || size == 0) return std::nullopt;
    uint64_t len = *n < size ? *n : size;
    return ByteRange{size - len, len};
  }
  auto first = Number(a);
  if (!first || *first >= size) return std::nullopt;
  uint64_t last = size - 1;
  if (!b.empty()) {
    auto l = Number(b);
    if (!l || *l < *first) return std::nullopt;
    if (*l < last) last = *l;
  }
  return ByteRange{*first, last - *first + 1};
}

}  // namespace hoist::serve
