#pragma once
// A parsed Dockerfile: the syntax docker documents (parser directives, continuations, comments,
// shell and exec forms, heredocs), grouped into stages. Parsing checks structure only; variables
// are expanded by the builder step by step (expand.h), because ARG and ENV values depend on
// --build-arg and on the instructions before each step.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hoist::builder::dockerfile {

// Where something was written: "Dockerfile:3:5" in messages. Lines and columns count from 1.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string ToString() const;
};

// A leading `--name=value` (or bare `--name`) of an instruction: COPY --from=build, RUN --network=none.
struct Flag {
  std::string name;   // without the dashes: "from"
  std::string value;  // "" for a bare flag; quotes and backslashes already removed, as docker does
  Location location;
};

// A heredoc body (`RUN <<EOF`, `COPY <<EOF /dest`).
struct Heredoc {
  std::string name;         // the delimiter word: "EOF"
  std::string content;      // the lines between the opening and the delimiter, each ending in '\n'
  bool expand = true;       // false when the delimiter was quoted (<<"EOF", <<'EOF'): no variable expansion
  bool strip_tabs = false;  // <<-EOF: leading tabs removed from each line (already applied to content)
};

struct Instruction {
  std::string keyword;       // upper case: "RUN", "COPY", "HEALTHCHECK", ...
  std::vector<Flag> flags;   // in the order written
  bool exec_form = false;    // the arguments were a JSON array of strings
  std::vector<std::string> exec_args;  // exec form: the array's strings, as written (no expansion)
  std::string text;          // the arguments after the flags, continuations joined, as written
  std::vector<Heredoc> heredocs;
  Location location;         // the keyword's position
  std::string original;      // the whole instruction on one line (keyword, flags, text), for messages

  // The value of flag `name`, when given (the last one, when repeated).
  std::optional<std::string> FlagValue(std::string_view name) const;
};

struct Stage {
  std::string base;      // FROM's image word, as written ("${BASE}" is expanded with the global ARGs)
  std::string name;      // the `AS name`, lower-cased; "" when none
  std::string platform;  // FROM --platform, as written; "" when none
  int index = 0;         // 0, 1, ... in file order
  Location location;     // of the FROM
  std::vector<Instruction> instructions;  // everything after FROM up to the next FROM
};

struct Dockerfile {
  std::string file;                      // the name used in messages
  std::string syntax;                    // the `# syntax=` directive, recorded and otherwise ignored
  char escape = '\\';                    // the `# escape=` directive
  std::vector<Instruction> global_args;  // ARG instructions before the first FROM
  std::vector<Stage> stages;
};

// Parses `text`. Errors are kParse with "FILE:LINE:COL: message" (unknown instruction, unterminated
// quote, JSON array or heredoc, an instruction before the first FROM other than ARG, a malformed
// FROM, a missing argument, ...).
Result<Dockerfile> Parse(std::string_view text, const std::string& file_name);

}  // namespace hoist::builder::dockerfile
