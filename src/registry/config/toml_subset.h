#pragma once
// The part of TOML that containers' registries.conf files use, parsed strictly: [tables],
// [[arrays of tables]], bare, quoted and dotted keys, basic and literal strings, booleans,
// integers and floats (kept as written), arrays (multi-line, trailing comma, comments) and inline
// tables. Multi-line strings, dates and times are refused. Every error names FILE:LINE.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::registry {

// Arrays and inline tables nest at most this deep.
inline constexpr int kMaxTomlDepth = 32;

struct TomlValue {
  enum class Kind { kString, kBool, kNumber, kArray, kTable };
  Kind kind = Kind::kTable;
  int line = 0;                    // where it was written (a table: its header, or first key)
  std::string text;                // kString: the value; kNumber: as written
  bool boolean = false;            // kBool
  std::vector<std::string> keys;   // kTable: keys, in order, parallel to `items`
  std::vector<TomlValue> items;    // kArray: elements; kTable: values
  bool array_of_tables = false;    // kArray made by [[header]]s
  bool sealed = false;             // an inline table or array of values: no header may extend it
  bool header_defined = false;     // kTable named by its own [header]

  // The value of `key` in a table; nullptr when absent (or when this is not a table).
  const TomlValue* Find(std::string_view key) const;
};

// `file` names the text in errors ("FILE:LINE: ...").
Result<TomlValue> ParseToml(std::string_view text, std::string_view file);

}  // namespace hoist::registry
