#include "build/dockerignore.h"

#include <string>

namespace hoist::build {
namespace {

constexpr size_t kMaxIgnoreFileBytes = 4 * 1024 * 1024;

std::string_view Trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
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
    pos = end + 1;
    ++number;
    if (!line.empty() && line[0] == '#') continue;  // a comment only in the first column
    line = Trim(line);
    if (line.empty()) continue;
    std::string where = std::string(file_name) + ":" + std::to_string(number) + ": ";
    Entry entry;
    if (line[0] == '!') {
      entry.exclusion = true;
      line = Trim(line.substr(1));
      if (line.empty()) return ParseError(where + "illegal exclusion pattern: \"!\"");
    }
    std::string pattern = CleanPath(line);
    if (pattern.size() > 1 && pattern[0] == '/') pattern.erase(0, 1);
    auto compiled = IgnorePattern::Compile(pattern);
    if (!compiled.ok()) {
      return ParseError(where + "bad pattern \"" + std::string(line) + "\": " + compiled.error().message());
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

}  // namespace hoist::build
