#pragma once
// Making untrusted or secret-bearing text fit for an error message or a log line.

#include <cstddef>
#include <string>
#include <string_view>

namespace hoist::registry {

// The URL without userinfo, query or fragment: upload locations carry signed state in the query
// and redirect targets carry signatures, neither belongs in a message. Output is Printable().
std::string SanitizeUrl(std::string_view url);

// Bytes outside printable ASCII become '?', runs of whitespace one space; cut at `max` bytes
// with a trailing "...".
std::string Printable(std::string_view text, size_t max = 200);

}  // namespace hoist::registry
