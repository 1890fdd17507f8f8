#pragma once
// The one entry through which hoist parses JSON it did not write itself (registry answers, token
// responses, configs and manifests, tag lists, credential-helper output, docker config.json, policy
// files, signatures, records in the store) and the one way it renders JSON.
//  - ParseJson refuses, before any DOM exists, nesting deeper than kJsonMaxDepth: every later walk
//    of the value (dump, compare, copy) recurses, and 120,000 nested arrays in a 240 KB error body
//    would otherwise overflow the stack. nlohmann's parser already refuses invalid UTF-8 and lone
//    surrogate escapes (\ud800 without its pair).
//  - DumpJson never throws: invalid UTF-8 in a string (a command line, a Dockerfile byte) is
//    written as U+FFFD, as Go's encoder does, instead of aborting hoist.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace hoist {

// Deeper than any document hoist reads (manifests and configs nest about 5 levels); keeps every
// recursive walk of a parsed value far from the stack's edge.
inline constexpr size_t kJsonMaxDepth = 64;

struct JsonParseOptions {
  // Refuse an object with the same key twice: Go keeps the last, nlohmann the last, other parsers
  // the first, so such a spec document could mean two things.
  bool reject_duplicate_keys = false;
};

// One JSON value. Errors say "not valid JSON (near byte N)", "nested deeper than 64 levels
// (kJsonMaxDepth)", … and never echo the input (it may hold secrets).
Result<nlohmann::json> ParseJson(std::string_view text, JsonParseOptions options = {});
// The same, keeping object keys in document order.
Result<nlohmann::ordered_json> ParseOrderedJson(std::string_view text, JsonParseOptions options = {});

// Compact (indent < 0) or indented JSON; invalid UTF-8 becomes U+FFFD, never an exception.
std::string DumpJson(const nlohmann::json& j, int indent = -1, char indent_char = ' ');
std::string DumpJson(const nlohmann::ordered_json& j, int indent = -1, char indent_char = ' ');

}  // namespace hoist
