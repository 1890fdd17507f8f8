#pragma once
// The one escaping function for text shown on a terminal. Strings from a registry, an archive or an
// image (tags, repository names, history, labels, error bodies…) can carry ESC sequences that clear
// the screen, retitle the window or forge output; text output passes them through here. JSON output
// needs nothing: the serializer escapes control characters by construction.

#include <string>
#include <string_view>

namespace hoist {

// Returns `s` with every character a terminal would act on made visible:
//  - \n, \r, \t as those two-character escapes; other C0 controls (NUL, ESC, BEL…) and DEL as \xNN;
//  - C1 controls (U+0080–U+009F, which some terminals read as CSI/OSC) and the bidirectional
//    overrides and isolates (U+202A–U+202E, U+2066–U+2069) as \uNNNN;
//  - bytes that are not well-formed UTF-8 (overlong forms, surrogates, stray continuation bytes) as \xNN.
// Printable ASCII and valid UTF-8 text (accents, CJK, emoji) are kept unchanged; so is the backslash,
// which is not itself special to a terminal.
std::string EscapeForTerminal(std::string_view s);

}  // namespace hoist
