#include "builder/ignore_pattern.h"

#include <algorithm>
#include <cstdint>

namespace hoist::builder {
namespace {

// One UTF-8 character. A byte that does not start a valid, shortest-form sequence stands for itself,
// mapped past the end of Unicode so that it never equals a real character.
char32_t NextChar(std::string_view s, size_t* i) {
  const unsigned char b = static_cast<unsigned char>(s[*i]);
  const char32_t invalid = 0x110000 + b;
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 1 || len == 0 || *i + len > s.size()) {
    ++*i;
    return len == 1 ? b : invalid;
  }
  char32_t c = b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    unsigned char cont = static_cast<unsigned char>(s[*i + k]);
    if ((cont & 0xC0) != 0x80) {
      ++*i;
      return invalid;
    }
    c = (c << 6) | (cont & 0x3F);
  }
  static constexpr char32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kShortest[len] || c > 0x10FFFF) {
    ++*i;
    return invalid;
  }
  *i += len;
  return c;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Docker matches with a Go regexp built from the pattern, where `\` + a letter or digit is an escape of
// the regexp's own (`\d` any digit, `\b` a word boundary, `\q` an error) and `\` + a non-ASCII character
// is refused. Hoist refuses both, so a pattern never silently selects other files than docker's.
Status CheckEscape(std::string_view p, size_t i) {
  if (IsAsciiAlnum(p[i])) {
    return ParseError(std::string("docker reads \\") + p[i] +
                      " as a regular-expression escape, not as the character: write it without the backslash");
  }
  if (static_cast<unsigned char>(p[i]) >= 0x80) {
    return ParseError("a backslash may not escape a non-ASCII character (docker refuses it)");
  }
  return Ok();
}

// Inside [...] docker's regexp turns `*` and `?` into wildcards of their own.
Error WildcardInClass(char c) {
  return ParseError(std::string("docker reads '") + c + "' inside [...] as a wildcard: write \\" + c +
                    " for the character");
}

// A class member as Go's filepath.Match reads it: not `-` or `]`, maybe `\`-escaped, never last, UTF-8.
Result<char32_t> ClassChar(std::string_view p, size_t* i) {
  if (*i >= p.size() || p[*i] == '-' || p[*i] == ']') return ParseError("bad character class");
  if (p[*i] == '*' || p[*i] == '?') return WildcardInClass(p[*i]);
  if (p[*i] == '\\') {
    if (++*i >= p.size()) return ParseError("bad character class");
    HOIST_TRY(CheckEscape(p, *i));
  }
  char32_t c = NextChar(p, i);
  if (c > 0x10FFFF) return ParseError("a character class holds a byte that is not UTF-8");
  if (*i >= p.size()) return ParseError("unterminated character class");
  return c;
}

std::string Utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// Docker's kind of match for a pattern (patternmatcher's matchType): plain text is compared whole,
// `text**` is a prefix test, a leading `**` a suffix test, anything else a Go regexp.
enum class MatchMode { kExact, kPrefix, kSuffix, kRegexp };

}  // namespace

Result<IgnorePattern> IgnorePattern::Compile(std::string_view p) {
  IgnorePattern out;
  out.text_ = std::string(p);
  MatchMode mode = MatchMode::kExact;
  size_t i = 0;
  while (i < p.size()) {
    const bool first = i == 0;
    Token t;
    char c = p[i];
    if (c == '*') {
      ++i;
      if (i < p.size() && p[i] == '*') {
        ++i;
        if (i < p.size() && p[i] == '/') ++i;  // `**/` is `**`
        if (i == p.size()) {
          t.kind = Token::kAnything;  // a final `**` matches everything below
          mode = mode == MatchMode::kExact ? MatchMode::kPrefix : MatchMode::kRegexp;
        } else {
          Token skip, anything;  // `(.*/)?`: any number of directories, even none
          skip.kind = Token::kSkip2;
          anything.kind = Token::kAnything;
          out.tokens_.push_back(skip);
          out.tokens_.push_back(anything);
          t.ch = U'/';
          mode = MatchMode::kRegexp;
        }
        if (first) mode = MatchMode::kSuffix;  // only a leading `**` allows the suffix test
      } else {
        t.kind = Token::kStar;
        mode = MatchMode::kRegexp;
      }
    } else if (c == '?') {
      t.kind = Token::kAnyChar;
      mode = MatchMode::kRegexp;
      ++i;
    } else if (c == '\\') {
      if (++i >= p.size()) return ParseError("a pattern may not end with a backslash");
      HOIST_TRY(CheckEscape(p, i));
      t.ch = NextChar(p, &i);
      mode = MatchMode::kRegexp;
    } else if (c == '[') {
      ++i;
      t.kind = Token::kClass;
      mode = MatchMode::kRegexp;
      if (i < p.size() && p[i] == '^') {
        t.negated = true;
        ++i;
      }
      while (true) {
        if (i >= p.size()) return ParseError("unterminated character class");
        if (p[i] == ']' && !t.ranges.empty()) {
          ++i;
          break;
        }
        // Go's regexp reads `[:name:]` inside a class as a POSIX class (an error if the name is unknown).
        if (p[i] == '[' && i + 1 < p.size() && p[i + 1] == ':' && p.find(":]", i + 2) != std::string_view::npos) {
          return ParseError("docker reads [:...:] inside [...] as a POSIX character class: write \\[ for the "
                            "character");
        }
        HOIST_TRY_ASSIGN(char32_t lo, ClassChar(p, &i));
        char32_t hi = lo;
        if (p[i] == '-') {
          ++i;
          HOIST_TRY_ASSIGN(hi, ClassChar(p, &i));
          if (hi < lo) {  // filepath.Match takes it, docker's regexp does not
            return ParseError("the range " + Utf8(lo) + "-" + Utf8(hi) +
                              " in [...] is reversed (its first character must not come after its last)");
          }
        }
        t.ranges.emplace_back(lo, hi);
      }
    } else if (c == '^') {
      t.kind = Token::kCaret;  // an anchor or the character: decided once the mode is known
      ++i;
    } else {
      if (c == ']') mode = MatchMode::kRegexp;
      t.ch = NextChar(p, &i);
    }
    out.tokens_.push_back(std::move(t));
  }
  // In a regexp `^` is the start of the text and `.` stops at a newline; plain text has no such rules.
  const bool regexp = mode == MatchMode::kRegexp;
  for (Token& t : out.tokens_) {
    if (t.kind == Token::kCaret) {
      t.kind = regexp ? Token::kStart : Token::kLiteral;
      t.ch = U'^';
    }
    if (t.kind == Token::kAnything) t.no_newline = regexp;
  }
  for (const Token& t : out.tokens_) {
    if (t.kind != Token::kLiteral || t.ch >= 0x80) break;
    out.literal_prefix_ += static_cast<char>(t.ch);
  }
  for (size_t k = out.tokens_.size(); k-- > 0;) {
    const Token& t = out.tokens_[k];
    if (t.kind != Token::kLiteral || t.ch >= 0x80) break;
    if (k >= 2 && out.tokens_[k - 2].kind == Token::kSkip2) break;  // the optional `/` of a `**`
    out.literal_suffix_.insert(out.literal_suffix_.begin(), static_cast<char>(t.ch));
  }
  if (mode == MatchMode::kSuffix) {
    out.suffix_mode_ = true;
    out.suffix_ = std::string(p.substr(2));
  }
  return out;
}

// The set of pattern positions alive while a path is read: a Thompson NFA over the tokens.
// Its buffers are reused across runs on a thread (matching runs for every file of a context).
class IgnorePattern::Runner {
 public:
  explicit Runner(const std::vector<Token>& tokens) : tokens_(tokens) {
    if (mark_.size() < tokens.size() + 1) mark_.resize(tokens.size() + 1, 0);
    current_.clear();
    at_start_ = true;
    NextGeneration();
    Add(0, current_);
  }

  bool alive() const { return !current_.empty(); }
  bool accepting() const { return mark_[tokens_.size()] == generation_; }

  void Step(char32_t c) {
    next_.clear();
    at_start_ = false;
    NextGeneration();
    for (uint32_t i : current_) {
      if (i == tokens_.size()) continue;
      const Token& t = tokens_[i];
      bool ok = false;
      uint32_t to = i + 1;
      switch (t.kind) {
        case Token::kLiteral: ok = c == t.ch; break;
        case Token::kAnyChar: ok = c != U'/'; break;
        case Token::kStar: ok = c != U'/'; to = i; break;
        case Token::kAnything: ok = !t.no_newline || c != U'\n'; to = i; break;
        case Token::kSkip2:
        case Token::kStart:
        case Token::kCaret: break;
        case Token::kClass: {
          bool in = false;
          for (const auto& [lo, hi] : t.ranges) in = in || (lo <= c && c <= hi);
          ok = in != t.negated;
          break;
        }
      }
      if (ok) Add(to, next_);
    }
    current_.swap(next_);
  }

 private:
  static void NextGeneration() {
    if (++generation_ == 0) {  // wrapped: old marks could look current
      std::fill(mark_.begin(), mark_.end(), 0);
      generation_ = 1;
    }
  }

  // Adds state `s` and everything reachable from it without reading (no recursion: `**/**/…`
  // chains can be long).
  void Add(uint32_t s, std::vector<uint32_t>& set) {
    stack_.assign(1, s);
    while (!stack_.empty()) {
      uint32_t i = stack_.back();
      stack_.pop_back();
      if (mark_[i] == generation_) continue;
      mark_[i] = generation_;
      set.push_back(i);
      if (i == tokens_.size()) continue;
      Token::Kind k = tokens_[i].kind;
      if (k == Token::kStar || k == Token::kAnything) stack_.push_back(i + 1);
      if (k == Token::kStart && at_start_) stack_.push_back(i + 1);
      if (k == Token::kSkip2) {
        stack_.push_back(i + 1);
        stack_.push_back(i + 3);
      }
    }
  }

  const std::vector<Token>& tokens_;
  bool at_start_ = true;  // nothing read yet: where `kStart` lets the match through
  static thread_local std::vector<uint32_t> mark_;  // == generation_: in the set being built
  static thread_local uint32_t generation_;
  static thread_local std::vector<uint32_t> current_, next_, stack_;
};

thread_local std::vector<uint32_t> IgnorePattern::Runner::mark_;
thread_local uint32_t IgnorePattern::Runner::generation_ = 0;
thread_local std::vector<uint32_t> IgnorePattern::Runner::current_;
thread_local std::vector<uint32_t> IgnorePattern::Runner::next_;
thread_local std::vector<uint32_t> IgnorePattern::Runner::stack_;

bool IgnorePattern::SuffixMatches(std::string_view path) const {
  bool ends = path.size() >= suffix_.size() && path.substr(path.size() - suffix_.size()) == suffix_;
  return ends || (!suffix_.empty() && suffix_[0] == '/' && path == std::string_view(suffix_).substr(1));
}

bool IgnorePattern::Matches(std::string_view path) const {
  if (suffix_mode_) return SuffixMatches(path);
  Runner run(tokens_);
  for (size_t i = 0; i < path.size() && run.alive();) run.Step(NextChar(path, &i));
  return run.accepting();
}

bool IgnorePattern::MatchesPathOrParent(std::string_view path) const {
  // Every candidate (the path and its parents) starts like the path: a quick test first.
  if (path.substr(0, literal_prefix_.size()) != literal_prefix_) return false;
  if (suffix_mode_) {
    for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
      if (slash > 0 && SuffixMatches(path.substr(0, slash))) return true;
    }
    return SuffixMatches(path);
  }
  if (path.find(literal_suffix_) == std::string_view::npos) return false;  // `*.log` needs ".log"
  // One pass: the pattern matches a parent when it accepts just before one of the slashes.
  Runner run(tokens_);
  for (size_t i = 0; i < path.size() && run.alive();) {
    if (path[i] == '/' && i > 0 && run.accepting()) return true;
    run.Step(NextChar(path, &i));
  }
  return run.accepting();
}

bool IgnorePattern::MayMatchUnder(std::string_view prefix) const {
  if (suffix_mode_) return true;
  Runner run(tokens_);
  for (size_t i = 0; i < prefix.size() && run.alive();) run.Step(NextChar(prefix, &i));
  return run.alive();
}

}  // namespace hoist::builder
