#pragma once
// ASCII case folding for names that are ASCII by their grammar (instructions, directives, commands,
// error codes, protocols), independent of the locale.

#include <string>
#include <string_view>

namespace hoist {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace hoist
