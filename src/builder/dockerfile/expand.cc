// Docker's shell lexer (moby/buildkit frontend/dockerfile/shell/lex.go), written afresh: quotes,
// the escape character and ${...} substitution, producing one word or a list of words.
#include "builder/dockerfile/expand.h"

#include <cctype>

#include "builder/dockerfile/shell_pattern.h"
#include "builder/dockerfile/words.h"

namespace hoist::builder::dockerfile {
namespace {

constexpr int kEnd = -1;
constexpr int kMaxNesting = 64;                      // ${a:-${b:-${c...}}}

// Collects words as docker does: substituted values split on whitespace, quoted text never does.
class Words {
 public:
  void AddChar(char c) {
    if (!IsBlank(c)) return AddRawChar(c);
    if (in_word_) Flush();
  }
  void AddRawChar(char c) {
    word_ += c;
    in_word_ = true;
  }
  void AddString(std::string_view s) {
    for (char c : s) AddChar(c);
  }
  void AddRawString(std::string_view s) {
    word_ += s;
    in_word_ = true;  // a quoted empty string is still a word
  }
  std::vector<std::string> Finish() {
    if (in_word_) Flush();
    return std::move(words_);
  }

 private:
  void Flush() {
    words_.push_back(std::move(word_));
    word_.clear();
    in_word_ = false;
  }
  std::vector<std::string> words_;
  std::string word_;
  bool in_word_ = false;
};

class Lexer {
 public:
  Lexer(std::string_view in, const VariableLookup& lookup, char escape, bool heredoc)
      : in_(in), lookup_(lookup), escape_(static_cast<unsigned char>(escape)), heredoc_(heredoc) {}

  Result<std::string> Run(Words* words) { return Process(kEnd, words, 0); }

 private:
  int Peek() const { return pos_ < in_.size() ? static_cast<unsigned char>(in_[pos_]) : kEnd; }
  int Take() { return pos_ < in_.size() ? static_cast<unsigned char>(in_[pos_++]) : kEnd; }

  std::optional<std::string> Lookup(const std::string& name) const {
    if (!lookup_) return std::nullopt;
    return lookup_(name);
  }

  static Status CheckSize(const std::string& s) {
    if (s.size() <= kMaxExpandedWordBytes) return Ok();
    return TooLarge("the expanded text is over " + std::to_string(kMaxExpandedWordBytes) +
                    " bytes (kMaxExpandedWordBytes)");
  }

  // Reads up to `stop` (consumed) or the end of the input.
  Result<std::string> Process(int stop, Words* words, int depth) {
    if (depth > kMaxNesting) return ParseError("variable substitutions nested too deeply");
    std::string result;
    Words ignored;
    if (words == nullptr) words = &ignored;
    while (Peek() != kEnd) {
      int c = Peek();
      if (stop != kEnd && c == stop) {
        Take();
        return result;
      }
      if (c == '$' || (!heredoc_ && (c == '\'' || c == '"'))) {
        std::string piece;
        if (c == '\'') {
          HOIST_TRY_ASSIGN(piece, SingleQuote());
        } else if (c == '"') {
          HOIST_TRY_ASSIGN(piece, DoubleQuote(depth));
        } else {
          HOIST_TRY_ASSIGN(piece, Dollar(depth));
        }
        result += piece;
        if (c == '$') {
          words->AddString(piece);
        } else {
          words->AddRawString(piece);
        }
      } else {
        Take();
        if (c == escape_ && raw_escapes_) {
          // A pattern keeps its escapes (`${V#\*}`): the pattern compiler reads them.
          result += static_cast<char>(c);
          words->AddRawChar(static_cast<char>(c));
          c = Take();
          if (c == kEnd) break;
          words->AddRawChar(static_cast<char>(c));
        } else if (c == escape_ && heredoc_) {
          // As in a shell here-document: only `$` and the escape character itself are escaped.
          if (Peek() == '$' || Peek() == escape_) c = Take();
        } else if (c == escape_) {
          c = Take();
          if (c == kEnd) break;  // an escape at the very end is dropped
          words->AddRawChar(static_cast<char>(c));
        } else {
          words->AddChar(static_cast<char>(c));
        }
        result += static_cast<char>(c);
      }
      HOIST_TRY(CheckSize(result));
    }
    if (stop == '/') return ParseError("syntax error: missing '/' in ${}");
    if (stop != kEnd) return ParseError("syntax error: missing '}'");
    return result;
  }

  // Process() with the escapes kept (or not) in the result, as BuildKit reads patterns.
  Result<std::string> ProcessKeepingEscapes(int stop, int depth, bool keep) {
    bool saved = raw_escapes_;
    raw_escapes_ = keep;
    auto result = Process(stop, nullptr, depth);
    raw_escapes_ = saved;
    return result;
  }

  Result<std::string> SingleQuote() {
    std::string result;
    Take();
    while (true) {
      int c = Take();
      if (c == kEnd) return ParseError("unterminated single quote");
      if (c == '\'') break;
      result += static_cast<char>(c);
    }
    return result;
  }

  Result<std::string> DoubleQuote(int depth) {
    std::string result;
    Take();
    while (true) {
      int c = Peek();
      if (c == kEnd) return ParseError("unterminated double quote");
      if (c == '"') {
        Take();
        break;
      }
      if (c == '$') {
        HOIST_TRY_ASSIGN(std::string value, Dollar(depth));
        result += value;
      } else {
        Take();
        if (c == escape_) {
          int next = Peek();
          if (next == kEnd) continue;  // dropped before the missing quote is reported
          if (raw_escapes_) result += static_cast<char>(c);
          if (next == '"' || next == '$' || next == escape_) {
            c = Take();
          }
        }
        result += static_cast<char>(c);
      }
      HOIST_TRY(CheckSize(result));
    }
    return result;
  }

  // A name ([A-Za-z0-9_]+), a run of digits, or one special parameter character.
  std::string Name() {
    std::string name;
    int c = Peek();
    if (c >= '0' && c <= '9') {
      while (Peek() >= '0' && Peek() <= '9') name += static_cast<char>(Take());
      return name;
    }
    if (c != kEnd && std::string_view("@*#?-$!").find(static_cast<char>(c)) != std::string_view::npos) {
      name += static_cast<char>(Take());
      return name;
    }
    while ((c = Peek()) != kEnd && (std::isalnum(c) || c == '_')) name += static_cast<char>(Take());
    return name;
  }

  Result<std::string> Dollar(int depth) {
    Take();
    if (Peek() != '{') {
      std::string name = Name();
      if (name.empty()) return std::string("$");
      return Lookup(name).value_or("");
    }
    Take();
    int c = Peek();
    if (c == kEnd) return ParseError("syntax error: missing '}'");
    if (c == '{' || c == '}' || c == ':') return ParseError("syntax error: bad substitution");
    std::string name = Name();
    c = Take();
    if (c == '}') return Lookup(name).value_or("");
    bool colon = c == ':';
    int modifier = colon ? Take() : c;
    if (modifier == kEnd) return ParseError("syntax error: missing '}'");
    if (modifier == '/' && !colon) return Replace(name, depth);
    if (modifier == '#' || modifier == '%') return Trim(name, modifier, depth);
    if (modifier != '-' && modifier != '+' && modifier != '?') {
      std::string m = "unsupported substitution in ${";
      m += name;
      if (colon) m += ':';
      m += static_cast<char>(modifier);
      m += "...}";
      return ParseError(std::move(m));
    }
    HOIST_TRY_ASSIGN(std::string word, Process('}', nullptr, depth + 1));
    std::optional<std::string> value = Lookup(name);
    bool present = colon ? value.has_value() && !value->empty() : value.has_value();
    switch (modifier) {
      case '-': return present ? *value : word;
      case '+': return present ? word : std::string();
      default:
        if (present) return *value;
        if (!word.empty()) return ParseError(name + ": " + word);
        return ParseError(name + (value ? ": is not allowed to be empty" : ": is not allowed to be unset"));
    }
  }

  // ${V#pat} ${V##pat} (shortest, longest prefix removed), ${V%pat} ${V%%pat} (suffix).
  Result<std::string> Trim(const std::string& name, int op, int depth) {
    Result<std::string> processed = ProcessKeepingEscapes('}', depth + 1, true);
    if (!processed.ok()) return processed;
    const std::string& raw = *processed;
    const bool longest = !raw.empty() && raw.front() == static_cast<char>(op);
    std::string_view word = std::string_view(raw).substr(longest ? 1 : 0);
    HOIST_TRY_ASSIGN(ShellPattern pattern, ShellPattern::Compile(word));
    std::string value = Lookup(name).value_or("");
    if (op == '#') {
      HOIST_TRY_ASSIGN(std::optional<size_t> end, pattern.MatchPrefix(value, longest));
      if (end) value.erase(0, *end);
    } else {
      HOIST_TRY_ASSIGN(std::optional<size_t> begin, pattern.MatchSuffix(value, longest));
      if (begin) value.erase(*begin);
    }
    return value;
  }

  // ${V/pat/repl} (the first, longest match replaced) and ${V//pat/repl} (every match). As in
  // BuildKit the replacement keeps its escape characters; an empty match next to the previous match
  // is skipped, and any other empty match inserts the replacement.
  Result<std::string> Replace(const std::string& name, int depth) {
    bool all = Peek() == '/';
    if (all) Take();
    HOIST_TRY_ASSIGN(std::string raw_pattern, ProcessKeepingEscapes('/', depth + 1, true));
    HOIST_TRY_ASSIGN(std::string replacement, ProcessKeepingEscapes('}', depth + 1, true));
    HOIST_TRY_ASSIGN(ShellPattern pattern, ShellPattern::Compile(raw_pattern));
    std::string value = Lookup(name).value_or("");
    if (!all) {
      HOIST_TRY_ASSIGN(auto match, pattern.Find(value, 0));
      if (match) value.replace(match->first, match->second - match->first, replacement);
      HOIST_TRY(CheckSize(value));
      return value;
    }
    // Every match, left to right, as Go's ReplaceAllString walks them.
    std::string out;
    size_t last_end = 0;  // end of the previous match
    size_t search = 0;    // where the next match may start
    while (search <= value.size()) {
      HOIST_TRY_ASSIGN(auto match, pattern.Find(value, search));
      if (!match) break;
      auto [begin, end] = *match;
      out.append(value, last_end, begin - last_end);
      if (end > last_end || begin == 0) out += replacement;  // not an empty match right after a match
      HOIST_TRY(CheckSize(out));
      last_end = end;
      size_t width = 1;  // always advance at least one character
      while (search + width < value.size() && (static_cast<unsigned char>(value[search + width]) & 0xC0) == 0x80) {
        ++width;
      }
      search = search + width > end ? search + width : end;
    }
    out.append(value, last_end, std::string::npos);
    HOIST_TRY(CheckSize(out));
    return out;
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool raw_escapes_ = false;  // inside a pattern or replacement: escapes stay in the text
  const VariableLookup& lookup_;
  int escape_;
  bool heredoc_;  // quotes are ordinary characters
};

Error Located(Error error, const Location& where, std::string_view text) {
  std::string m = where.ToString();
  if (!m.empty()) m += ": ";
  m += error.message();
  m += " in: ";
  m += text.size() > 120 ? std::string(text.substr(0, 117)) + "..." : std::string(text);
  return Error(error.code(), std::move(m));
}

}  // namespace

Result<std::string> ExpandWord(std::string_view word, const VariableLookup& lookup, char escape,
                               const Location& where) {
  Lexer lexer(word, lookup, escape, false);
  auto result = lexer.Run(nullptr);
  if (!result.ok()) return Located(std::move(result).error(), where, word);
  return result;
}

Result<std::vector<std::string>> ExpandWords(std::string_view text, const VariableLookup& lookup, char escape,
                                             const Location& where) {
  Lexer lexer(text, lookup, escape, false);
  Words words;
  auto result = lexer.Run(&words);
  if (!result.ok()) return Located(std::move(result).error(), where, text);
  return words.Finish();
}

Result<std::string> ExpandHeredoc(std::string_view content, const VariableLookup& lookup, char escape,
                                  const Location& where) {
  Lexer lexer(content, lookup, escape, true);
  auto result = lexer.Run(nullptr);
  if (!result.ok()) return Located(std::move(result).error(), where, content);
  return result;
}

}  // namespace hoist::builder::dockerfile
