#include "builder/dockerfile/lines.h"

#include <algorithm>
#include <iterator>

#include "builder/dockerfile/words.h"

namespace hoist::builder::dockerfile {
namespace {

bool IsCommentLine(std::string_view line) {
  line = TrimLeftBlanks(line);
  return !line.empty() && line[0] == '#';
}

// Removes a trailing escape character (and the spaces or tabs after it). True when one was there.
// As BuildKit's continuation rule (`([^E])E[ \t]*$|^E[ \t]*$`): the final escape continues the line
// only when the character before it is not an escape too, so `a\\` ends the instruction (and so
// does `a\\\`, where the rule looks no further back than one character).
bool TrimContinuation(std::string_view* line, char escape) {
  std::string_view s = *line;
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty() || s.back() != escape) return false;
  s.remove_suffix(1);
  if (!s.empty() && s.back() == escape) return false;
  *line = s;
  return true;
}

}  // namespace

Location LogicalLine::At(size_t offset) const {
  Location where{file, 0, 0};
  // The last piece starting at or before `offset` (pieces are in offset order).
  auto after = std::upper_bound(pieces.begin(), pieces.end(), offset,
                                [](size_t o, const Piece& piece) { return o < piece.offset; });
  if (after == pieces.begin()) return where;
  const Piece& piece = *std::prev(after);
  where.line = piece.line;
  where.column = piece.column + static_cast<int>(offset - piece.offset);
  return where;
}

LineReader::LineReader(std::string_view text, std::string file)
    : text_(text), file_(file), directives_(std::move(file)) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);  // a UTF-8 byte-order mark
}

bool LineReader::NextPhysical(std::string_view* line, int* number) {
  if (pos_ >= text_.size()) return false;
  size_t end = text_.find('\n', pos_);
  if (end == std::string_view::npos) end = text_.size();
  std::string_view l = text_.substr(pos_, end - pos_);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  pos_ = end + 1;
  *line = l;
  *number = ++line_number_;
  return true;
}

Result<std::optional<LogicalLine>> LineReader::Next() {
  std::string_view raw;
  int number = 0;
  while (NextPhysical(&raw, &number)) {
    std::string_view stripped = TrimLeftBlanks(raw);
    HOIST_TRY(directives_.Feed(stripped, number));
    if (IsCommentLine(raw) || stripped.empty()) continue;

    LogicalLine logical;
    logical.file = file_;
    logical.pieces.push_back({0, number, static_cast<int>(raw.size() - stripped.size()) + 1});
    bool more = TrimContinuation(&stripped, directives_.escape());
    logical.text.assign(stripped);
    while (more && NextPhysical(&raw, &number)) {
      HOIST_TRY(directives_.Feed(TrimLeftBlanks(raw), number));
      if (IsCommentLine(raw) || TrimLeftBlanks(raw).empty()) continue;  // skipped inside continuations
      std::string_view piece = raw;
      more = TrimContinuation(&piece, directives_.escape());
      logical.pieces.push_back({logical.text.size(), number, 1});
      logical.text.append(piece);
    }
    if (TrimBlanks(logical.text).empty()) continue;  // only continuation characters
    return std::optional<LogicalLine>(std::move(logical));
  }
  return std::optional<LogicalLine>();
}

Status LineReader::ReadHeredocBody(Heredoc& heredoc, const Location& opened_at) {
  std::string_view raw;
  int number = 0;
  while (NextPhysical(&raw, &number)) {
    std::string_view line = raw;
    if (heredoc.strip_tabs) {
      while (!line.empty() && line[0] == '\t') line.remove_prefix(1);
    }
    if (line == heredoc.name) return Ok();
    heredoc.content.append(line);
    heredoc.content += '\n';
  }
  return ParseError(opened_at.ToString() + ": unterminated heredoc: no line \"" + heredoc.name +
                    "\" before the end of the file");
}

}  // namespace hoist::builder::dockerfile
