#pragma once
// `hoist tags` and `hoist catalog` output, printed page by page as the registry sends them, so a
// listing of any length runs in the memory of one page. Text: one escaped name per line. JSON: the
// same document `json.dump(2)` of the whole list would give, written incrementally.

#include <ostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "tools/command.h"

namespace hoist::tools {

class ListPrinter {
 public:
  // JSON: {"<head_key>": "<head_value>", "<list_key>": [ …names… ]}.
  ListPrinter(std::ostream& out, OutputFormat format, std::string head_key, std::string head_value,
              std::string list_key);
  void Page(const std::vector<std::string>& names);
  // Ends the JSON document (text needs nothing). Only after the last page: a failed listing leaves
  // the document open, and the error says why.
  void Finish();

 private:
  std::ostream& out_;
  OutputFormat format_;
  std::string head_key_, head_value_, list_key_;
  bool started_ = false;
  size_t count_ = 0;
};

}  // namespace hoist::tools
