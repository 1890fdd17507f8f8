#pragma once
// Docker's shell-word rules for instruction arguments: quotes, the escape character, and variable
// substitution as BuildKit does it: $VAR, ${VAR}, ${VAR:-word} ${VAR-word}, ${VAR:+word} ${VAR+word},
// ${VAR:?msg} ${VAR?msg}, ${VAR#pat} ${VAR##pat} ${VAR%pat} ${VAR%%pat} (prefix and suffix removal)
// and ${VAR/pat/repl} ${VAR//pat/repl}, with the glob patterns of shell_pattern.h.
// The builder calls these with the variables in scope at each step.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "builder/dockerfile/dockerfile.h"
#include "core/error.h"

namespace hoist::builder::dockerfile {

// What one expanded word may grow to (an error names the limit).
constexpr size_t kMaxExpandedWordBytes = 16 * 1024 * 1024;
// What the expanded ARG, ENV and LABEL values of one stage (or the global ARGs) may hold in all,
// names included, so that `ARG b=${a}${a}${a}` repeated cannot grow a build without bound. One
// ENV/LABEL/ARG instruction is held to it too, before its values are kept.
constexpr size_t kMaxVariableStateBytes = 64 * 1024 * 1024;

// The value of a variable in scope, or nullopt when it is not set.
using VariableLookup = std::function<std::optional<std::string>(std::string_view name)>;

// One word: variables substituted, quotes removed, escapes applied (WORKDIR, USER, FROM, a --flag value,
// a heredoc body when its delimiter was unquoted). Errors (kParse) name `where`.
Result<std::string> ExpandWord(std::string_view word, const VariableLookup& lookup, char escape,
                               const Location& where);

// Shell-like words split on unquoted whitespace after substitution (COPY/ADD sources and destination,
// EXPOSE, VOLUME in shell form, ONBUILD's arguments). A quoted empty string is kept as a word.
Result<std::vector<std::string>> ExpandWords(std::string_view text, const VariableLookup& lookup, char escape,
                                             const Location& where);

// A heredoc body whose delimiter was unquoted (COPY <<EOF): as in a shell here-document, variables
// are substituted, quotes are ordinary characters, and the escape character escapes only `$` and
// itself (other escapes are kept as written).
Result<std::string> ExpandHeredoc(std::string_view content, const VariableLookup& lookup, char escape,
                                  const Location& where);

// ENV, LABEL and ARG arguments: `k=v k2="v 2"` pairs, or the legacy `ENV key value with spaces` form.
// For ARG a name without `=` is allowed (value nullopt); for ENV and LABEL a value is required.
struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};
Result<std::vector<KeyValue>> ExpandKeyValues(const Instruction& instruction, const VariableLookup& lookup,
                                              char escape);

}  // namespace hoist::builder::dockerfile
