#include "builder/dockerignore.h"

#include <cstdint>
#include <string>

namespace hoist::builder {
namespace {

constexpr size_t kMaxIgnoreFileBytes = 4 * 1024 * 1024;

// Go's unicode.IsSpace, the test of strings.TrimSpace: ASCII blanks, NEL, NBSP and Unicode's spaces.
bool IsGoSpace(uint32_t c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// The character encoded by s[0..len) when it is one whole, valid UTF-8 sequence; else 0xFFFFFFFF.
uint32_t Decode(std::string_view s) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  if (s.size() == 1) return b(0) < 0x80 ? b(0) : 0xFFFFFFFF;
  if (s.size() == 2 && (b(0) >> 5) == 0x6 && (b(1) >> 6) == 0x2) {
    uint32_t c = ((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu);
    return c >= 0x80 ? c : 0xFFFFFFFF;
  }
  if (s.size() == 3 && (b(0) >> 4) == 0xE && (b(1) >> 6) == 0x2 && (b(2) >> 6) == 0x2) {
    uint32_t c = ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    return c >= 0x800 ? c : 0xFFFFFFFF;
  }
  return 0xFFFFFFFF;  // no space needs four bytes
}

// Go's strings.TrimSpace.
std::string_view TrimSpace(std::string_view s) {
  while (!s.empty()) {
    size_t len = 1;
    while (len < 3 && len < s.size() && Decode(s.substr(0, len)) == 0xFFFFFFFF) ++len;
    if (!IsGoSpace(Decode(s.substr(0, len)))) break;
    s.remove_prefix(len);
  }
  while (!s.empty()) {
    size_t len = 1;
    while (len < 3 && len < s.size() && Decode(s.substr(s.size() - len)) == 0xFFFFFFFF) ++len;
    if (!IsGoSpace(Decode(s.substr(s.size() - len)))) break;
    s.remove_suffix(len);
  }
  return s;
}

// Go's filepath.Clean for '/'-separated paths.
std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(i, end - i);
    i = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  if (out.empty()) out = ".";
  return out;
}

}  // namespace

Result<IgnoreMatcher> IgnoreMatcher::Parse(std::string_view text, std::string_view file_name) {
  if (text.size() > kMaxIgnoreFileBytes) {
    return TooLarge(std::string(file_name) + ": over " + std::to_string(kMaxIgnoreFileBytes) + " bytes");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  IgnoreMatcher matcher;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    const std::string_view raw = line;
    pos = end + 1;
    ++number;
    if (!line.empty() && line[0] == '#') continue;  // a comment only in the first column
    // First as docker's ignore-file reader cleans a line: trimmed, `!` set apart, filepath.Clean'ed, no
    // leading `/`.
    line = TrimSpace(line);
    if (line.empty()) continue;
    const bool invert = line[0] == '!';
    if (invert) line = TrimSpace(line.substr(1));
    std::string pattern(line);
    if (!pattern.empty()) {
      pattern = CleanPath(pattern);
      if (pattern.size() > 1 && pattern[0] == '/') pattern.erase(0, 1);
    }
    if (invert) pattern.insert(0, "!");
    // Then as its matcher takes the result: trimmed and cleaned again, and only now is a leading `!` an
    // exception (so "/!x" is one, and "! /" is a bare "!").
    pattern = CleanPath(TrimSpace(pattern));
    std::string where = std::string(file_name) + ":" + std::to_string(number) + ": ";
    Entry entry;
    if (pattern[0] == '!') {
      if (pattern.size() == 1) return ParseError(where + "illegal exclusion pattern: \"!\"");
      entry.exclusion = true;
      pattern.erase(0, 1);
    }
    auto compiled = IgnorePattern::Compile(pattern);
    if (!compiled.ok()) {
      return ParseError(where + "bad pattern \"" + std::string(TrimSpace(raw)) + "\": " +
                        compiled.error().message());
    }
    entry.pattern = std::move(compiled).value();
    matcher.patterns_.push_back(std::move(entry));
  }
  return matcher;
}

bool IgnoreMatcher::Excluded(std::string_view rel_path) const {
  while (!rel_path.empty() && rel_path.back() == '/') rel_path.remove_suffix(1);
  if (rel_path.empty()) return false;
  bool excluded = false;
  for (const Entry& entry : patterns_) {
    // An exclusion only matters once something is excluded, and the other way round.
    if (entry.exclusion != excluded) continue;
    // A pattern that matches a parent directory matches everything beneath it.
    if (entry.pattern.MatchesPathOrParent(rel_path)) excluded = !entry.exclusion;
  }
  return excluded;
}

bool IgnoreMatcher::MayReinclude(std::string_view dir_rel) const {
  while (!dir_rel.empty() && dir_rel.back() == '/') dir_rel.remove_suffix(1);
  std::string prefix(dir_rel);
  prefix += '/';
  for (const Entry& entry : patterns_) {
    if (!entry.exclusion) continue;
    if (entry.pattern.MayMatchUnder(prefix) || entry.pattern.MatchesPathOrParent(dir_rel)) return true;
  }
  return false;
}

}  // namespace hoist::builder
