// FindHeredocs and ParseHeredocOpener (lines.h): which words of a RUN/COPY/ADD line open heredocs,
// the way BuildKit's parser finds them. The line is split into shell words with quotes, escapes and
// `$...` kept as written (the escape character is always `\` here, whatever `# escape=` says, as in
// BuildKit); then every word of the form `[digits]<<[-][blanks]DELIM` opens one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "builder/dockerfile/lines.h"
#include "builder/dockerfile/words.h"

namespace hoist::builder::dockerfile {
namespace {

constexpr int kMaxDollarNesting = 64;  // ${a:-${b:-...}} deeper than this opens no heredoc

bool IsRegexSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsSpecialParameter(char c) { return std::string_view("@*#?-$!0").find(c) != std::string_view::npos; }
bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Scans shell text from `pos` without changing it; every function returns the position after what it
// read, or nullopt when the text is malformed (an unterminated quote, a `${` without its `}`).
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  // `'...'` starting at pos.
  std::optional<size_t> SingleQuote(size_t pos) const {
    size_t close = s_.find('\'', pos + 1);
    if (close == std::string_view::npos) return std::nullopt;
    return close + 1;
  }

  // `"..."` starting at pos: `\` escapes `"`, `$` and itself; `$` substitutions are read whole.
  std::optional<size_t> DoubleQuote(size_t pos, int depth) const {
    size_t i = pos + 1;
    while (i < s_.size()) {
      char c = s_[i];
      if (c == '"') return i + 1;
      if (c == '$') {
        auto end = Dollar(i, depth);
        if (!end) return std::nullopt;
        i = *end;
      } else if (c == '\\' && i + 1 < s_.size() && (s_[i + 1] == '"' || s_[i + 1] == '$' || s_[i + 1] == '\\')) {
        i += 2;
      } else {
        ++i;
      }
    }
    return std::nullopt;
  }

  // `$NAME`, `$1`, `$@`, `${NAME}`, `${NAME<op>word}` starting at pos.
  std::optional<size_t> Dollar(size_t pos, int depth) const {
    if (depth > kMaxDollarNesting) return std::nullopt;
    size_t i = pos + 1;
    if (i >= s_.size() || s_[i] != '{') return Name(i);
    ++i;
    if (i >= s_.size() || s_[i] == '{' || s_[i] == '}' || s_[i] == ':') return std::nullopt;
    i = Name(i);
    if (i >= s_.size()) return std::nullopt;
    char op = s_[i++];
    if (op == '}') return i;
    if (op == ':') {
      if (i >= s_.size()) return std::nullopt;
      ++i;  // the modifier after the colon, whatever it is
      return StopOn(i, '}', depth + 1);
    }
    if (op == '/') {
      auto after_pattern = StopOn(i, '/', depth + 1);
      if (!after_pattern) return std::nullopt;
      return StopOn(*after_pattern, '}', depth + 1);
    }
    if (std::string_view("+-?#%").find(op) == std::string_view::npos) return std::nullopt;
    return StopOn(i, '}', depth + 1);
  }

  // Up to and past the unquoted, unescaped `stop`.
  std::optional<size_t> StopOn(size_t pos, char stop, int depth) const {
    size_t i = pos;
    while (i < s_.size()) {
      char c = s_[i];
      std::optional<size_t> next;
      if (c == stop) return i + 1;
      if (c == '\'') {
        next = SingleQuote(i);
      } else if (c == '"') {
        next = DoubleQuote(i, depth);
      } else if (c == '$') {
        next = Dollar(i, depth);
      } else {
        next = i + (c == '\\' ? 2 : 1);
      }
      if (!next) return std::nullopt;
      i = *next;
    }
    return std::nullopt;
  }

 private:
  size_t Name(size_t i) const {
    if (i < s_.size() && s_[i] >= '0' && s_[i] <= '9') {
      while (i < s_.size() && s_[i] >= '0' && s_[i] <= '9') ++i;
      return i;
    }
    if (i < s_.size() && IsSpecialParameter(s_[i])) return i + 1;
    while (i < s_.size() && IsNameChar(s_[i])) ++i;
    return i;
  }

  std::string_view s_;
};

// Words as BuildKit's lexer splits them (quotes and escapes kept, `$...` split on blanks as a
// substituted value is); nullopt when the line is malformed.
std::optional<std::vector<std::string>> RawWords(std::string_view line) {
  Scanner scan(line);
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    std::optional<size_t> end;
    if (c == '\'') {
      end = scan.SingleQuote(i);
    } else if (c == '"') {
      end = scan.DoubleQuote(i, 0);
    } else if (c == '$') {
      end = scan.Dollar(i, 0);
      if (!end) return std::nullopt;
      for (char d : line.substr(i, *end - i)) {
        if (IsBlank(d)) {
          flush();
        } else {
          word += d;
        }
      }
      i = *end;
      continue;
    } else if (c == '<' && i + 1 < line.size() && line[i + 1] == '<') {
      // `<<`, `<<-` before a blank, and the blanks after them stay in the word: `<< EOF` is one opener.
      size_t j = i + 2;
      if (j + 1 < line.size() && line[j] == '-' && IsBlank(line[j + 1])) ++j;
      while (j < line.size() && IsBlank(line[j])) ++j;
      end = j;
    } else if (c == '\\') {
      end = std::min(i + 2, line.size());
    } else if (IsBlank(c)) {
      flush();
      ++i;
      continue;
    } else {
      end = i + 1;
    }
    if (!end) return std::nullopt;
    word.append(line.substr(i, *end - i));
    i = *end;
  }
  flush();
  return words;
}

// The delimiter word: quotes removed (any quoting turns expansion off), escapes applied, `$...` kept
// as written. Nullopt unless it is exactly one non-empty word.
std::optional<std::string> DelimiterName(std::string_view rest, bool* quoted) {
  Scanner scan(rest);
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
    in_word = false;
  };
  size_t i = 0;
  while (i < rest.size()) {
    char c = rest[i];
    if (c == '\'') {
      auto end = scan.SingleQuote(i);
      if (!end) return std::nullopt;
      word.append(rest.substr(i + 1, *end - i - 2));
      in_word = *quoted = true;
      i = *end;
    } else if (c == '"') {
      auto end = scan.DoubleQuote(i, 0);
      if (!end) return std::nullopt;
      for (size_t k = i + 1; k + 1 < *end; ++k) {
        if (rest[k] == '\\' && k + 2 < *end && (rest[k + 1] == '"' || rest[k + 1] == '$' || rest[k + 1] == '\\')) ++k;
        word += rest[k];
      }
      in_word = *quoted = true;
      i = *end;
    } else if (c == '$') {
      auto end = scan.Dollar(i, 0);
      if (!end) return std::nullopt;
      for (char d : rest.substr(i, *end - i)) {
        if (!IsBlank(d)) {
          word += d;
          in_word = true;
        } else if (in_word && !word.empty()) {
          flush();
        }
      }
      i = *end;
    } else if (c == '\\') {
      if (i + 1 < rest.size()) {
        word += rest[i + 1];
        in_word = true;
      }
      i += 2;
    } else if (IsBlank(c)) {
      if (in_word && !word.empty()) flush();
      ++i;
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  flush();
  if (words.size() != 1) return std::nullopt;
  return std::move(words[0]);
}

}  // namespace

// BuildKit's `^(\d*)<<(-?)\s*([^<]*)$`, then the delimiter read as one shell word.
std::optional<Heredoc> ParseHeredocOpener(std::string_view word) {
  size_t i = 0;
  while (i < word.size() && word[i] >= '0' && word[i] <= '9') ++i;
  if (word.substr(i, 2) != "<<") return std::nullopt;
  i += 2;
  Heredoc doc;
  if (i < word.size() && word[i] == '-') {
    doc.strip_tabs = true;
    ++i;
  }
  while (i < word.size() && IsRegexSpace(word[i])) ++i;
  std::string_view rest = word.substr(i);
  if (rest.empty() || rest.find('<') != std::string_view::npos) return std::nullopt;
  bool quoted = false;
  std::optional<std::string> name = DelimiterName(rest, &quoted);
  if (!name) return std::nullopt;
  doc.name = std::move(*name);
  doc.expand = !quoted;
  return doc;
}

std::vector<Heredoc> FindHeredocs(std::string_view line) {
  std::vector<Heredoc> docs;
  if (line.find("<<") == std::string_view::npos) return docs;
  std::optional<std::vector<std::string>> words = RawWords(line);
  if (!words) return docs;  // an unterminated quote or `${`: BuildKit's lexer fails and opens none
  for (const std::string& word : *words) {
    if (auto doc = ParseHeredocOpener(word)) docs.push_back(std::move(*doc));
  }
  return docs;
}

}  // namespace hoist::builder::dockerfile
