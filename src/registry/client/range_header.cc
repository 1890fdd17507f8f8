#include "registry/client/range_header.h"

#include <limits>

#include "registry/http/sanitize.h"

namespace hoist::registry {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "first-last" with first <= last.
std::optional<std::pair<uint64_t, uint64_t>> ParseSpan(std::string_view s) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = ParseDecimal(s.substr(0, dash));
  auto last = ParseDecimal(s.substr(dash + 1));
  if (!first || !last || *first > *last) return std::nullopt;
  return std::make_pair(*first, *last);
}

}  // namespace

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

Result<uint64_t> UploadedBytes(std::optional<std::string_view> range, uint64_t our_offset) {
  if (!range) return uint64_t{0};
  std::string_view s = Trim(*range);
  if (s.substr(0, 6) == "bytes=") s.remove_prefix(6);
  auto span = ParseSpan(s);
  if (!span || span->first != 0 || span->second == std::numeric_limits<uint64_t>::max()) {
    return ParseError("the registry's upload Range \"" + Printable(*range, 60) +
                      "\" is not of the form 0-<last byte>");
  }
  // "0-0" is what a fresh upload reports although it holds nothing.
  if (span->second == 0 && our_offset == 0) return uint64_t{0};
  return span->second + 1;
}

Result<ContentRange> ParseContentRange(std::string_view value) {
  std::string_view s = Trim(value);
  auto bad = [&] {
    return ParseError("Content-Range \"" + Printable(value, 80) +
                      "\" is not of the form bytes <first>-<last>/<size>");
  };
  if (s.substr(0, 6) != "bytes ") return bad();
  s = Trim(s.substr(6));
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return bad();
  auto span = ParseSpan(s.substr(0, slash));
  if (!span) return bad();
  ContentRange out;
  out.first = span->first;
  out.last = span->second;
  std::string_view size = s.substr(slash + 1);
  if (size != "*") {
    out.size = ParseDecimal(size);
    if (!out.size || *out.size <= out.last) return bad();
  }
  return out;
}

}  // namespace hoist::registry
