#pragma once
// Column-aligned text tables as docker prints them: a header row, cells padded to the widest cell of
// their column, three spaces between columns, no trailing spaces.

#include <ostream>
#include <string>
#include <vector>

namespace hoist::tools {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  // Cells come from images and registries: each is passed through EscapeForTerminal.
  void AddRow(std::vector<std::string> row);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Cuts `s` to `width` characters, ending with "…" when cut (as docker's --no-trunc-less output).
std::string Truncate(const std::string& s, size_t width);

}  // namespace hoist::tools
