#include "builder/dockerfile/flags.h"

#include <string>

#include "builder/dockerfile/words.h"

namespace hoist::builder::dockerfile {
namespace {

enum class FlagKind { kString, kBool };

struct KnownFlag {
  const char* keyword;
  const char* name;
  FlagKind kind;
};

constexpr KnownFlag kKnownFlags[] = {
    {"FROM", "platform", FlagKind::kString},
    {"RUN", "mount", FlagKind::kString},          {"RUN", "network", FlagKind::kString},
    {"RUN", "security", FlagKind::kString},
    {"COPY", "from", FlagKind::kString},          {"COPY", "chown", FlagKind::kString},
    {"COPY", "chmod", FlagKind::kString},         {"COPY", "link", FlagKind::kBool},
    {"COPY", "parents", FlagKind::kBool},         {"COPY", "exclude", FlagKind::kString},
    {"ADD", "chown", FlagKind::kString},          {"ADD", "chmod", FlagKind::kString},
    {"ADD", "link", FlagKind::kBool},             {"ADD", "checksum", FlagKind::kString},
    {"ADD", "keep-git-dir", FlagKind::kBool},     {"ADD", "exclude", FlagKind::kString},
    {"ADD", "unpack", FlagKind::kBool},
    {"HEALTHCHECK", "interval", FlagKind::kString}, {"HEALTHCHECK", "timeout", FlagKind::kString},
    {"HEALTHCHECK", "start-period", FlagKind::kString},
    {"HEALTHCHECK", "start-interval", FlagKind::kString},
    {"HEALTHCHECK", "retries", FlagKind::kString},
};

}  // namespace

std::vector<Flag> ExtractFlags(const LogicalLine& line, size_t* offset) {
  const std::string& s = line.text;
  std::vector<Flag> flags;
  size_t i = *offset;
  while (true) {
    while (i < s.size() && IsBlank(s[i])) ++i;
    if (i + 1 >= s.size() || s[i] != '-' || s[i + 1] != '-') break;
    size_t start = i;
    std::string word;
    char quote = 0;
    for (; i < s.size() && (quote != 0 || !IsBlank(s[i])); ++i) {
      char c = s[i];
      if (quote != 0 && c == quote) {
        quote = 0;
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == '\\') {
        if (i + 1 < s.size()) word += s[++i];
      } else {
        word += c;
      }
    }
    if (word == "--") break;  // `--` ends the flags and is itself dropped
    Flag flag;
    flag.location = line.At(start);
    std::string body = word.substr(2);
    size_t eq = body.find('=');
    flag.name = body.substr(0, eq);
    if (eq != std::string::npos) flag.value = body.substr(eq + 1);
    flags.push_back(std::move(flag));
  }
  *offset = i;
  return flags;
}

Status CheckFlags(std::string_view keyword, const std::vector<Flag>& flags) {
  for (const Flag& flag : flags) {
    const KnownFlag* known = nullptr;
    for (const KnownFlag& k : kKnownFlags) {
      if (keyword == k.keyword && flag.name == k.name) known = &k;
    }
    std::string where = flag.location.ToString() + ": ";
    if (known == nullptr) {
      std::string m = where;
      m += "unknown flag for ";
      m += keyword;
      m += ": --" + flag.name;
      return ParseError(std::move(m));
    }
    if (known->kind == FlagKind::kBool) {
      if (!flag.value.empty() && flag.value != "true" && flag.value != "false") {
        return ParseError(where + "flag --" + flag.name + " takes true or false, not \"" + flag.value + "\"");
      }
    } else if (flag.value.empty()) {
      return ParseError(where + "flag --" + flag.name + " needs a value: --" + flag.name + "=VALUE");
    }
  }
  return Ok();
}

}  // namespace hoist::builder::dockerfile
