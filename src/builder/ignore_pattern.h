#pragma once
// One .dockerignore pattern, matched as docker's patternmatcher does: `*` and `?` never cross a `/`,
// `[...]` classes (with `^` negation and ranges), `\` escapes, and `**` for any number of directories.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::builder {

class IgnorePattern {
 public:
  // `pattern` is already cleaned (no leading `/`, no `!`). Errors say what is wrong with it.
  static Result<IgnorePattern> Compile(std::string_view pattern);

  // True when the pattern matches the whole of `path` ("a/b/c").
  bool Matches(std::string_view path) const;
  // True when it matches `path` or one of its parent directories ("a", "a/b" for "a/b/c").
  bool MatchesPathOrParent(std::string_view path) const;
  // True when the pattern might match some path that starts with `prefix` (a directory and "/").
  bool MayMatchUnder(std::string_view prefix) const;

  const std::string& text() const { return text_; }

 private:
  struct Token {
    // kStart: a zero-width `^` (docker's regexp anchor); kCaret: a `^` not yet classified.
    enum Kind { kLiteral, kAnyChar, kStar, kAnything, kSkip2, kClass, kStart, kCaret } kind = kLiteral;
    char32_t ch = 0;
    bool negated = false;
    bool no_newline = false;  // a kAnything from a regexp `.*`, which stops at '\n'
    std::vector<std::pair<char32_t, char32_t>> ranges;
  };
  class Runner;
  bool SuffixMatches(std::string_view path) const;

  std::string text_;
  std::vector<Token> tokens_;
  bool suffix_mode_ = false;  // docker's fast path for `**` followed by plain text: a suffix test
  std::string suffix_;
  std::string literal_prefix_;  // the plain ASCII text the pattern starts with
  std::string literal_suffix_;  // and ends with
};

}  // namespace hoist::builder
