#include "tools/list_output.h"

#include <nlohmann/json.hpp>

#include "core/terminal_text.h"

namespace hoist::tools {

namespace {

// A JSON string; invalid UTF-8 from the registry becomes U+FFFD instead of an exception.
std::string JsonString(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ListPrinter::ListPrinter(std::ostream& out, OutputFormat format, std::string head_key, std::string head_value,
                         std::string list_key)
    : out_(out),
      format_(format),
      head_key_(std::move(head_key)),
      head_value_(std::move(head_value)),
      list_key_(std::move(list_key)) {}

void ListPrinter::Page(const std::vector<std::string>& names) {
  if (format_ == OutputFormat::kText) {
    for (const auto& n : names) out_ << EscapeForTerminal(n) << "\n";
    out_.flush();
    return;
  }
  if (!started_) {
    out_ << "{\n  " << JsonString(head_key_) << ": " << JsonString(head_value_) << ",\n  " << JsonString(list_key_)
         << ": [";
    started_ = true;
  }
  for (const auto& n : names) out_ << (count_++ == 0 ? "\n    " : ",\n    ") << JsonString(n);
  out_.flush();  // each page reaches the reader as it arrives
}

void ListPrinter::Finish() {
  if (format_ == OutputFormat::kText) return;
  if (!started_) Page({});
  out_ << (count_ == 0 ? "]\n}\n" : "\n  ]\n}\n");
}

}  // namespace hoist::tools
