#include "builder/dockerfile/instruction.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/dockerfile/flags.h"
#include "builder/dockerfile/words.h"
#include "core/json_parse.h"

namespace hoist::builder::dockerfile {
namespace {

constexpr std::string_view kKeywords[] = {"FROM",   "RUN",         "CMD",    "LABEL",      "MAINTAINER",
                                          "EXPOSE", "ENV",         "ADD",    "COPY",       "ENTRYPOINT",
                                          "VOLUME", "USER",        "WORKDIR", "ARG",       "ONBUILD",
                                          "STOPSIGNAL", "HEALTHCHECK", "SHELL"};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Edit distance with adjacent transpositions, for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

Error At(const Location& where, const std::string& message) {
  std::string m = where.ToString();
  m += ": ";
  m += message;
  return ParseError(std::move(m));
}

Error UnknownInstruction(std::string_view word, const Location& where) {
  std::string message = "unknown instruction: ";
  message += word;
  if (word.size() <= 16) {
    std::string upper = Upper(word);
    for (std::string_view k : kKeywords) {
      if (EditDistance(upper, k) <= (k.size() <= 4 ? 1u : 2u)) {
        message += " (did you mean ";
        message += k;
        message += "?)";
        break;
      }
    }
  }
  return At(where, message);
}

// For valid JSON text that is an array: true when every element is a string. A scan rather than a
// parse, so that deeply nested arrays are never built.
bool AllElementsAreStrings(std::string_view t) {
  int depth = 0;
  bool in_string = false;
  bool expect_element = false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (depth == 1 && expect_element && c != ']') {
      if (c != '"') return false;
      expect_element = false;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth == 1) expect_element = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_element = true;
    }
  }
  return true;
}

// A JSON array of strings → exec form. Anything else that is not a JSON array stays shell form,
// as docker falls back; a JSON array holding something other than strings is an error.
Status DetectExecForm(Instruction& ins) {
  if (ins.text.empty() || ins.text[0] != '[') return Ok();
  if (!nlohmann::json::accept(ins.text)) return Ok();
  if (!AllElementsAreStrings(ins.text)) {
    return At(ins.location, ins.keyword + ": when using JSON array syntax, arrays must be comprised of strings only");
  }
  auto parsed = ParseJson(ins.text);
  if (!parsed.ok() || !parsed->is_array()) return Ok();
  std::vector<std::string> args;
  for (const auto& element : *parsed) args.push_back(element.get<std::string>());
  ins.exec_form = true;
  ins.exec_args = std::move(args);
  return Ok();
}

Status RequireText(const Instruction& ins, const char* what) {
  if (!ins.text.empty()) return Ok();
  return At(ins.location, ins.keyword + " requires " + what);
}

// ENV and LABEL: `k=v ...`, or the legacy `KEY value with spaces`.
Status CheckKeyValues(const Instruction& ins, char escape) {
  std::vector<std::string> words = SplitKeepingQuotes(ins.text, escape);
  if (words.empty()) return At(ins.location, ins.keyword + " requires at least one argument");
  if (FindUnquotedEquals(words[0], escape) == std::string::npos) {
    if (words.size() < 2) {
      return At(ins.location, ins.keyword + " must have two arguments: " + ins.keyword + " name=value (or " +
                                  ins.keyword + " name value)");
    }
    return Ok();
  }
  for (const std::string& word : words) {
    size_t eq = FindUnquotedEquals(word, escape);
    if (eq == std::string::npos) {
      return At(ins.location, "syntax error: can't find = in \"" + word + "\"; must be of the form name=value");
    }
    if (eq == 0) return At(ins.location, ins.keyword + " names can not be blank");
  }
  return Ok();
}

Status CheckHealthcheck(const Instruction& ins) {
  HOIST_TRY(RequireText(ins, "NONE or CMD followed by a command"));
  std::vector<std::string> words = SplitOnBlanks(ins.text);
  std::string type = Upper(words[0]);
  if (type == "NONE") {
    if (words.size() > 1 || !ins.flags.empty()) return At(ins.location, "HEALTHCHECK NONE takes no arguments");
    return Ok();
  }
  if (type != "CMD") return At(ins.location, "unknown type \"" + words[0] + "\" in HEALTHCHECK (try CMD)");
  if (words.size() < 2) return At(ins.location, "missing command after HEALTHCHECK CMD");
  return Ok();
}

Status CheckOnbuild(const Instruction& ins, const LogicalLine& line, size_t text_offset, char escape) {
  HOIST_TRY(RequireText(ins, "an instruction to run later (ONBUILD RUN ...)"));
  std::string trigger = Upper(SplitOnBlanks(ins.text)[0]);
  if (trigger == "ONBUILD") return At(ins.location, "chaining ONBUILD via ONBUILD ONBUILD isn't allowed");
  if (trigger == "FROM" || trigger == "MAINTAINER") {
    return At(ins.location, trigger + " isn't allowed as an ONBUILD trigger");
  }
  LogicalLine sub;
  sub.file = line.file;
  sub.text = ins.text;
  for (const LogicalLine::Piece& piece : line.pieces) {
    LogicalLine::Piece p = piece;
    if (p.offset < text_offset) {
      p.column += static_cast<int>(text_offset - p.offset);
      p.offset = 0;
    } else {
      p.offset -= text_offset;
    }
    if (p.offset == 0 && !sub.pieces.empty()) sub.pieces.clear();
    sub.pieces.push_back(p);
  }
  HOIST_TRY(ParseInstruction(sub, escape));
  return Ok();
}

Status CheckArguments(Instruction& ins, const LogicalLine& line, size_t text_offset, char escape) {
  const std::string& k = ins.keyword;
  if (k == "RUN" || k == "CMD" || k == "ENTRYPOINT" || k == "SHELL" || k == "COPY" || k == "ADD" ||
      k == "VOLUME") {
    HOIST_TRY(DetectExecForm(ins));
  }
  if (k == "SHELL") {
    if (!ins.exec_form) return At(ins.location, "SHELL requires the arguments to be in JSON form");
    if (ins.exec_args.empty()) return At(ins.location, "SHELL requires at least one argument");
    return Ok();
  }
  if (k == "COPY" || k == "ADD") {
    size_t count = ins.exec_form ? ins.exec_args.size() : SplitOnBlanks(ins.text).size();
    if (count < 2) {
      return At(ins.location, k + " requires at least two arguments, but only " + (count == 0 ? "none was" : "one was") +
                                  " provided. Destination could not be determined.");
    }
    return Ok();
  }
  if (k == "ENV" || k == "LABEL") return CheckKeyValues(ins, escape);
  if (k == "ARG") {
    for (const std::string& word : SplitKeepingQuotes(ins.text, escape)) {
      if (word[0] == '=') return At(ins.location, "ARG names can not be blank");
    }
  }
  if (k == "HEALTHCHECK") return CheckHealthcheck(ins);
  if (k == "ONBUILD") return CheckOnbuild(ins, line, text_offset, escape);
  if (k == "VOLUME" && ins.exec_form && ins.exec_args.empty()) {
    return At(ins.location, "VOLUME requires at least one argument");
  }
  if (k == "WORKDIR" || k == "USER" || k == "STOPSIGNAL" || k == "MAINTAINER") {
    return RequireText(ins, "exactly one argument");
  }
  return RequireText(ins, "at least one argument");
}

}  // namespace

std::string_view KnownKeyword(std::string_view word) {
  std::string upper = Upper(word);
  for (std::string_view k : kKeywords) {
    if (upper == k) return k;
  }
  return {};
}

bool CanHaveHeredocs(const Instruction& instruction) {
  const std::string& k = instruction.keyword;
  return (k == "RUN" || k == "COPY" || k == "ADD") && !instruction.exec_form;
}

Result<Instruction> ParseInstruction(const LogicalLine& line, char escape) {
  const std::string& s = line.text;
  size_t start = 0;
  while (start < s.size() && IsBlank(s[start])) ++start;
  size_t end = start;
  while (end < s.size() && !IsBlank(s[end])) ++end;
  Instruction ins;
  ins.location = line.At(start);
  std::string_view word(s.data() + start, end - start);
  std::string_view keyword = KnownKeyword(word);
  if (keyword.empty()) return UnknownInstruction(word, ins.location);
  ins.keyword = std::string(keyword);
  ins.original = std::string(TrimBlanks(s));

  size_t offset = end;
  ins.flags = ExtractFlags(line, &offset);
  while (offset < s.size() && IsBlank(s[offset])) ++offset;
  ins.text = std::string(TrimBlanks(std::string_view(s).substr(offset)));
  HOIST_TRY(CheckFlags(ins.keyword, ins.flags));
  HOIST_TRY(CheckArguments(ins, line, offset, escape));
  return ins;
}

}  // namespace hoist::builder::dockerfile
