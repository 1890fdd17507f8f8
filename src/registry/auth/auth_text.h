#pragma once
// Small text helpers shared by the auth files (internal; not part of the module's surface).

#include <optional>
#include <string>
#include <string_view>

namespace hoist::registry {

// Quotes input for an error message: at most `max` bytes, escapes for quotes, backslashes and
// non-printable bytes, and "…" when cut. Never use it on secrets.
std::string AuthQuote(std::string_view s, size_t max = 80);

// ASCII lowercase.
std::string AuthLower(std::string_view s);

// Whether s is well-formed UTF-8 (what JSON files and helpers can carry).
bool IsValidUtf8(std::string_view s);


}  // namespace hoist::registry
