#include "builder/dockerfile/directives.h"

#include <cctype>

#include "core/ascii.h"

namespace hoist::builder::dockerfile {
namespace {

bool IsSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

// Matches docker's `^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$`.
bool SplitDirective(std::string_view line, std::string* name, std::string* value) {
  if (line.empty() || line[0] != '#') return false;
  size_t i = 1;
  while (i < line.size() && IsSpaceOrTab(line[i])) ++i;
  if (i == line.size() || !std::isalpha(static_cast<unsigned char>(line[i]))) return false;
  size_t start = i;
  while (i < line.size() && std::isalnum(static_cast<unsigned char>(line[i]))) ++i;
  *name = AsciiLower(line.substr(start, i - start));
  while (i < line.size() && IsSpaceOrTab(line[i])) ++i;
  if (i == line.size() || line[i] != '=') return false;
  ++i;
  while (i < line.size() && IsSpaceOrTab(line[i])) ++i;
  std::string_view rest = line.substr(i);
  while (!rest.empty() && IsSpaceOrTab(rest.back())) rest.remove_suffix(1);
  if (rest.empty()) return false;
  value->assign(rest);
  return true;
}

}  // namespace

Status DirectiveScanner::Feed(std::string_view line, int number) {
  if (done_) return Ok();
  if (number == 1 && line.substr(0, 2) == "#!") return Ok();  // a shebang line is allowed first
  std::string name, value;
  if (!SplitDirective(line, &name, &value) || (name != "syntax" && name != "escape" && name != "check")) {
    done_ = true;  // an unknown directive is an ordinary comment and ends the directives
    return Ok();
  }
  std::string where = file_ + ":" + std::to_string(number) + ":1: ";
  if (!seen_.insert(name).second) return ParseError(where + "only one " + name + " parser directive can be used");
  if (name == "syntax") syntax_ = value;
  if (name == "escape") {
    if (value != "\\" && value != "`") {
      return ParseError(where + "invalid escape token '" + value + "' does not match ` or \\");
    }
    escape_ = value[0];
  }
  return Ok();
}

}  // namespace hoist::builder::dockerfile
