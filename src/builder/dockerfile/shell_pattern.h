#pragma once
// The shell glob patterns of `${V#pat}`, `${V%pat}` and `${V/pat/repl}` (expand.h): `*` any run of
// characters, `?` one character, `[...]` a bracket expression (ranges, `[!...]`/`[^...]`, and the
// classes `[:alpha:]`, `[:digit:]`, `[:alnum:]`, `[:upper:]`, `[:lower:]`, `[:space:]`, `[:xdigit:]`),
// `\*` `\?` `\\` `\[` `\]` literal characters; `\}` and `\/` stand for `}` and `/` (as in BuildKit, any
// other `\x` is an error). Characters are UTF-8 code points; a byte that is not part of valid UTF-8 is a
// character of its own. Matching runs an automaton over the value (time linear in value × pattern,
// never backtracking), with a work limit so that a hostile pattern cannot stall a build.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace hoist::builder::dockerfile {

// Matching work (characters read × pattern states) one substitution may take: 16 Mi steps, tens of
// milliseconds. Real values and patterns need far less; 2^31 let a 64 KiB value against a 64 KiB
// pattern run for seconds (minutes under the fuzzer).
constexpr uint64_t kMaxPatternWork = uint64_t{1} << 24;

class ShellPattern {
 public:
  // `raw`: the pattern with its escape characters still in place. Errors are kParse.
  static Result<ShellPattern> Compile(std::string_view raw);

  // The length of the shortest (or longest) prefix of `s` the pattern matches whole.
  Result<std::optional<size_t>> MatchPrefix(std::string_view s, bool longest) const;
  // Where the shortest (or longest) suffix of `s` the pattern matches whole starts.
  Result<std::optional<size_t>> MatchSuffix(std::string_view s, bool longest) const;
  // The leftmost match starting at or after `from`, the longest one at that start: [begin, end).
  Result<std::optional<std::pair<size_t, size_t>>> Find(std::string_view s, size_t from) const;

 private:
  struct Range {
    uint32_t lo, hi;
  };
  struct Element {
    enum Kind { kChar, kAny, kStar, kSet } kind = kChar;
    uint32_t ch = 0;
    bool negated = false;
    std::vector<Range> ranges;  // kSet
    bool Matches(uint32_t c) const;
  };

  Result<std::optional<size_t>> Anchored(std::string_view s, bool longest, bool backward) const;
  Status Spend(uint64_t chars) const;

  std::vector<Element> elements_;
  mutable uint64_t work_ = 0;
};

}  // namespace hoist::builder::dockerfile
