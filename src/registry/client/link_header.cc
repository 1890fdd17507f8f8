#include "registry/client/link_header.h"

#include <cctype>

namespace hoist::registry {

namespace {

void SkipSpace(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// rel is a space-separated list of relation types.
bool RelHasNext(std::string_view rel) {
  size_t i = 0;
  while (i < rel.size()) {
    while (i < rel.size() && rel[i] == ' ') ++i;
    size_t start = i;
    while (i < rel.size() && rel[i] != ' ') ++i;
    if (EqualsIgnoreCase(rel.substr(start, i - start), "next")) return true;
  }
  return false;
}

// Parses one header value; returns the next link, if any. Malformed parts end the parse.
std::optional<std::string> NextIn(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    SkipSpace(s, i);
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    if (i >= s.size() || s[i] != '<') return std::nullopt;
    size_t close = s.find('>', i);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view target = s.substr(i + 1, close - i - 1);
    i = close + 1;
    bool next = false;
    // Parameters: ; name [= token | quoted-string]
    for (;;) {
      SkipSpace(s, i);
      if (i >= s.size() || s[i] != ';') break;
      ++i;
      SkipSpace(s, i);
      size_t name_start = i;
      while (i < s.size() && s[i] != '=' && s[i] != ';' && s[i] != ',' && s[i] != ' ') ++i;
      std::string_view name = s.substr(name_start, i - name_start);
      SkipSpace(s, i);
      std::string value;
      if (i < s.size() && s[i] == '=') {
        ++i;
        SkipSpace(s, i);
        if (i < s.size() && s[i] == '"') {
          ++i;
          while (i < s.size() && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < s.size()) ++i;
            value += s[i++];
          }
          if (i >= s.size()) return std::nullopt;  // unterminated quote
          ++i;
        } else {
          while (i < s.size() && s[i] != ';' && s[i] != ',' && s[i] != ' ') value += s[i++];
        }
      }
      if (EqualsIgnoreCase(name, "rel") && RelHasNext(value)) next = true;
    }
    if (next) return std::string(target);
    SkipSpace(s, i);
    if (i < s.size() && s[i] != ',') return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NextLink(const std::vector<std::string>& link_headers) {
  for (const std::string& h : link_headers) {
    if (auto next = NextIn(h)) return next;
  }
  return std::nullopt;
}

}  // namespace hoist::registry
