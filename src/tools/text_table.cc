#include "tools/text_table.h"

#include "core/terminal_text.h"

namespace hoist::tools {

namespace {

// Display width: UTF-8 continuation bytes take no column.
size_t Width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

}  // namespace

void TextTable::AddRow(std::vector<std::string> row) {
  for (auto& cell : row) cell = EscapeForTerminal(cell);
  rows_.push_back(std::move(row));
}

void TextTable::Print(std::ostream& out) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - Width(row[i]) + 3, ' ');
    }
    out << line << "\n";
  }
}

std::string Truncate(const std::string& s, size_t width) {
  if (Width(s) <= width || width == 0) return s;
  std::string out;
  size_t w = 0;
  for (unsigned char c : s) {
    bool starts_char = (c & 0xC0) != 0x80;
    if (starts_char && ++w > width - 1) break;
    out += static_cast<char>(c);
  }
  return out + "…";
}

}  // namespace hoist::tools
