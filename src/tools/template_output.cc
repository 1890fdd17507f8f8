#include "tools/template_output.h"

#include "tools/command.h"

namespace hoist::tools {

namespace {

constexpr size_t kTabMinWidth = 10, kTabPadding = 3;  // docker's tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)

size_t Runes(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string ReplaceEscapes(std::string s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 't' || s[i + 1] == 'n')) {
      out += s[i + 1] == 't' ? '\t' : '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Go's tabwriter.format: column `widths.size()` for lines [line0, line1).
class TabWriter {
 public:
  explicit TabWriter(std::vector<std::vector<std::string>> lines) : lines_(std::move(lines)) {}

  std::string Run() {
    Format(0, lines_.size());
    return std::move(out_);
  }

 private:
  void Format(size_t line0, size_t line1) {
    const size_t column = widths_.size();
    for (size_t row = line0; row < line1; ++row) {
      if (column + 1 >= lines_[row].size()) continue;
      // A block of lines with a cell in this column starts here.
      WriteLines(line0, row);
      line0 = row;
      size_t width = kTabMinWidth;
      for (; row < line1 && column + 1 < lines_[row].size(); ++row) {
        width = std::max(width, Runes(lines_[row][column]) + kTabPadding);
      }
      widths_.push_back(width);
      Format(line0, row);
      widths_.pop_back();
      line0 = row;
      if (row >= line1) break;
    }
    WriteLines(line0, line1);
  }

  void WriteLines(size_t from, size_t to) {
    for (size_t row = from; row < to; ++row) {
      const auto& cells = lines_[row];
      for (size_t j = 0; j < cells.size(); ++j) {
        out_ += cells[j];
        if (j < widths_.size() && j + 1 < cells.size()) {
          size_t w = Runes(cells[j]);
          if (w < widths_[j]) out_.append(widths_[j] - w, ' ');
        }
      }
      if (row + 1 < lines_.size() || !last_unterminated_) out_ += '\n';
    }
  }

 public:
  bool last_unterminated_ = false;

 private:
  std::vector<std::vector<std::string>> lines_;
  std::vector<size_t> widths_;
  std::string out_;
};

}  // namespace

bool IsTemplateFormat(const std::string& format) {
  return format.find("{{") != std::string::npos || format.rfind("table ", 0) == 0;
}

Result<TemplatePrinter> TemplatePrinter::Parse(const std::string& format) {
  TemplatePrinter p;
  std::string text = format;
  if (text.rfind("table", 0) == 0) {
    p.table_ = true;
    text = text.substr(5);
  }
  // docker trims spaces around the template and turns the two characters \t, \n into tab, newline.
  size_t a = text.find_first_not_of(' '), b = text.find_last_not_of(' ');
  text = a == std::string::npos ? "" : text.substr(a, b - a + 1);
  auto t = GoTemplate::Parse(ReplaceEscapes(text));
  if (!t.ok()) return UsageError("--format: " + t.error().message());
  p.template_ = std::move(*t);
  return p;
}

Status TemplatePrinter::Print(const std::vector<nlohmann::json>& rows, const nlohmann::json& headers,
                              std::ostream& out, bool strict) const {
  std::string text;
  auto add = [&](const nlohmann::json& dot, bool header) -> Status {
    TemplateOptions o;
    o.strict_fields = strict;
    o.header = header;
    auto r = template_.Execute(dot, o);
    if (!r.ok()) {
      if (r.error().code() == ErrorCode::kInvalidArgument) return UsageError("--format: " + r.error().message());
      return std::move(r).error();
    }
    text += *r;
    text += '\n';
    return Ok();
  };
  if (strict) {
    // Rows have the header's fields: a misspelt field is refused even when there is no row.
    TemplateOptions o;
    o.strict_fields = true;
    auto r = template_.Execute(headers, o);
    if (!r.ok() && r.error().code() == ErrorCode::kInvalidArgument) {
      return UsageError("--format: " + r.error().message());
    }
  }
  if (table_) HOIST_TRY(add(headers, true));
  for (const auto& row : rows) HOIST_TRY(add(row, false));
  out << (table_ ? TabWrite(text) : text);
  return Ok();
}

std::string TabWrite(const std::string& text) {
  std::vector<std::vector<std::string>> lines;
  size_t at = 0;
  bool unterminated = false;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    std::vector<std::string> cells;
    size_t c = 0;
    while (true) {
      size_t tab = line.find('\t', c);
      cells.push_back(line.substr(c, tab == std::string::npos ? std::string::npos : tab - c));
      if (tab == std::string::npos) break;
      c = tab + 1;
    }
    lines.push_back(std::move(cells));
    if (nl == std::string::npos) {
      unterminated = true;
      break;
    }
    at = nl + 1;
  }
  TabWriter w(std::move(lines));
  w.last_unterminated_ = unterminated;
  return w.Run();
}

}  // namespace hoist::tools
