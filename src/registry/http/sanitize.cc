#include "registry/http/sanitize.h"

#include <algorithm>

namespace hoist::registry {

std::string SanitizeUrl(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  std::string out;
  size_t scheme_end = url.find("://");
  size_t authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  size_t authority_end = url.find('/', authority_start);
  std::string_view authority = url.substr(authority_start, authority_end == std::string_view::npos
                                                               ? std::string_view::npos
                                                               : authority_end - authority_start);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    out.append(url.substr(0, authority_start));
    out.append(url.substr(authority_start + at + 1));
  } else {
    out.append(url);
  }
  return Printable(out, 300);
}

std::string Printable(std::string_view text, size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  bool in_space = false;
  for (char c : text) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (!in_space) out += ' ';
      in_space = true;
      continue;
    }
    in_space = false;
    unsigned char u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace hoist::registry
