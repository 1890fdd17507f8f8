#pragma once
// Physical lines → logical lines, as docker reads a Dockerfile: comment lines dropped, the escape
// character at a line's end continues it (comment and blank lines inside a continuation are
// skipped), and heredoc bodies read line by line after the instruction that opens them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "builder/dockerfile/directives.h"
#include "builder/dockerfile/dockerfile.h"
#include "core/error.h"

namespace hoist::builder::dockerfile {

struct LogicalLine {
  // Where each piece of `text` came from, so a column inside a joined line can be reported.
  struct Piece {
    size_t offset = 0;  // in `text`
    int line = 0;
    int column = 0;
  };
  std::string text;  // joined; leading whitespace and continuation characters removed
  std::vector<Piece> pieces;
  std::string file;

  Location At(size_t offset) const;
  Location Start() const { return At(0); }
};

class LineReader {
 public:
  LineReader(std::string_view text, std::string file);

  // The next instruction line, nullopt at the end. Parser directives are read on the way.
  Result<std::optional<LogicalLine>> Next();

  // Reads `heredoc`'s body: the lines up to its delimiter (after leading tabs are removed for <<-).
  Status ReadHeredocBody(Heredoc& heredoc, const Location& opened_at);

  const DirectiveScanner& directives() const { return directives_; }

 private:
  bool NextPhysical(std::string_view* line, int* number);

  std::string_view text_;
  size_t pos_ = 0;
  int line_number_ = 0;
  std::string file_;
  DirectiveScanner directives_;
};

// The heredocs a RUN/COPY/ADD line opens (`<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF`, `<<  EOF`,
// `<<- EOF`), in order, as BuildKit finds them: the line is split into shell words (a `<<` keeps
// the blanks after it in its word) and each word that reads `[digits]<<[-][blanks]DELIM` opens
// one. A line whose quotes or `${` do not close opens none (heredoc_opener.cc).
std::vector<Heredoc> FindHeredocs(std::string_view line);

// `word` as a heredoc opener (`<<EOF`, `3<<-"EOF"`, `<<  EOF`), or nullopt when it is not one: the
// delimiter must be one shell word. RUN uses it to tell `RUN <<EOF` (the body is the script) from
// `RUN cat <<EOF` (the shell reads the body).
std::optional<Heredoc> ParseHeredocOpener(std::string_view word);

}  // namespace hoist::builder::dockerfile
