#include "builder/dockerfile/words.h"

namespace hoist::builder::dockerfile {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view TrimLeftBlanks(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsBlank(s[i])) ++i;
  return s.substr(i);
}

std::string_view TrimBlanks(std::string_view s) {
  s = TrimLeftBlanks(s);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitOnBlanks(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsBlank(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsBlank(text[i])) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::vector<std::string> SplitKeepingQuotes(std::string_view text, char escape) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool blank_ok = false;  // a quoted empty string still makes a word
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == 0) {
      if (IsBlank(c)) {
        if (in_word && (blank_ok || !word.empty())) words.push_back(word);
        word.clear();
        in_word = blank_ok = false;
        continue;
      }
      in_word = true;
      if (c == '\'' || c == '"') {
        quote = c;
        blank_ok = true;
      } else if (c == escape) {
        if (i + 1 == text.size()) continue;  // an escape at the very end is dropped
        word += c;
        c = text[++i];
      }
      word += c;
      continue;
    }
    // Inside quotes: the escape character works in double quotes only.
    if (c == quote) {
      quote = 0;
    } else if (c == escape && quote == '"') {
      if (i + 1 == text.size()) continue;
      word += c;
      c = text[++i];
    }
    word += c;
  }
  if (in_word && (blank_ok || !word.empty())) words.push_back(word);
  return words;
}

size_t FindUnquotedEquals(std::string_view word, char escape) {
  char quote = 0;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
    } else if (c == escape) {
      ++i;
    } else if (quote == '"') {
      if (c == '"') quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '=') {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace hoist::builder::dockerfile
