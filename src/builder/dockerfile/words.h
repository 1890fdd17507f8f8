#pragma once
// Word splitting shared by the parser and the expander, before any variable is substituted.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hoist::builder::dockerfile {

// Whitespace as the Dockerfile grammar sees it (ASCII space, tab, CR, LF, VT, FF).
bool IsBlank(char c);
std::string_view TrimBlanks(std::string_view s);
std::string_view TrimLeftBlanks(std::string_view s);

// Splits on runs of whitespace, ignoring quotes (docker's parseStringsWhitespaceDelimited).
std::vector<std::string> SplitOnBlanks(std::string_view text);

// Splits on whitespace outside quotes, keeping the quotes and escape characters in the words
// (docker's parseWords, used for ENV, LABEL and ARG before expansion).
std::vector<std::string> SplitKeepingQuotes(std::string_view text, char escape);

// The position of the first `=` outside quotes and not escaped, or npos.
size_t FindUnquotedEquals(std::string_view word, char escape);

}  // namespace hoist::builder::dockerfile
